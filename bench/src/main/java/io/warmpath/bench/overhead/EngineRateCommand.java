package io.warmpath.bench.overhead;

import java.io.PrintStream;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import io.warmpath.bench.overhead.OverheadBench.Target;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code bench engine-rate}: the latency of one engine at a low rate, then the highest rate it sustains. */
@Command(name = "engine-rate", header = "Finds the request rate an engine sustains.",
        description = "100 requests per second for 5 s after 5 s of warm-up, then a rate ladder.")
public final class EngineRateCommand implements Callable<Integer> {

    private final PrintStream out;

    @Option(names = "--engine", paramLabel = "URL", required = true, description = "The engine's base URL.")
    private URI engine;

    @Option(names = "--model", paramLabel = "M", defaultValue = "kimi-k2.5",
            description = "Model to request (default: ${DEFAULT-VALUE}).")
    private String model;

    @Option(names = "--rates", paramLabel = "R,R", defaultValue = "500,1000,1500,2000,3000",
            description = "Offered rates of the ladder (default: ${DEFAULT-VALUE}).")
    private String ladder;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "20",
            description = "Seconds per ladder step (default: ${DEFAULT-VALUE}).")
    private double seconds;

    @Spec
    private CommandSpec spec;

    public EngineRateCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws InterruptedException {
        List<Double> rates = Rates.parse(spec, "--rates", ladder);
        if (!(seconds > 0)) {
            throw new ParameterException(spec.commandLine(), "--seconds must be above 0");
        }
        OverheadBench bench = new OverheadBench(out);
        Target target = new Target("engine-sim", engine, Map.of());
        bench.compare(List.of(target), model, 100, Rates.duration(5), Rates.duration(5));
        double sustained = bench.sustainedRate(target, model, rates, Rates.duration(seconds));
        out.printf(Locale.ROOT, "%nHighest sustained rate: %.0f requests/s%n", sustained);
        return 0;
    }
}
