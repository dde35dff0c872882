package io.warmpath.bench;

import io.warmpath.bench.artifacts.ArtifactsCommand;
import io.warmpath.bench.lanes.LanesCommand;
import io.warmpath.bench.levers.LeversCommand;
import io.warmpath.bench.levers.OfflineLeversCommand;
import io.warmpath.bench.online.OnlineCommand;
import io.warmpath.bench.overhead.EngineRateCommand;
import io.warmpath.bench.overhead.OverheadCommand;
import io.warmpath.bench.replay.ReplayCommand;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * Command line of the bench: {@code replay} replays a workload offline and compares routing policies against the
 * ideal; {@code online} replays one against a running gateway; {@code overhead} compares latency straight to an
 * engine, through a cell, through the gateway and through nginx, and finds the rate each sustains;
 * {@code engine-rate} finds the request rate an engine sustains; {@code artifacts} compares the artifact path with the
 * S3 server it stores to; {@code levers} and {@code lanes} measure the context levers and the cells' admission lanes
 * against a control tenant.
 * {@code ./warmpath bench} runs these (starting a stack for the commands that need one).
 * Exit codes: 0 success, 1 the run failed, 2 bad command line.
 */
@Command(name = "bench", description = "Routing policies on a workload, and the latency and rate of each path.",
        footer = "Run 'bench <command> --help' for a command's options.")
public final class Bench implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, scope = ScopeType.INHERIT,
            description = "Show this help message and exit.")
    private boolean help;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "name a command");
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command line; returns the exit code instead of exiting, so tests can call it. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        PrintWriter outWriter = new PrintWriter(out, true, StandardCharsets.UTF_8);
        PrintWriter errWriter = new PrintWriter(err, true, StandardCharsets.UTF_8);
        try {
            return commandLine(out, err)
                    .setOut(outWriter)
                    .setErr(errWriter)
                    .setExecutionExceptionHandler((failure, commandLine, parseResult) -> {
                        commandLine.getErr().println(commandLine.getCommandSpec().qualifiedName() + ": "
                                + failure.getMessage());
                        return ExitCode.SOFTWARE;
                    })
                    .execute(args);
        } finally {
            outWriter.flush();
            errWriter.flush();
        }
    }

    /** Every command, writing its results to {@code out} and its progress to {@code progress}. */
    static CommandLine commandLine(PrintStream out, PrintStream progress) {
        return new CommandLine(new Bench())
                .addSubcommand(new ReplayCommand(out, progress))
                .addSubcommand(new OnlineCommand(out, progress))
                .addSubcommand(new OverheadCommand(out))
                .addSubcommand(new EngineRateCommand(out))
                .addSubcommand(new ArtifactsCommand(out))
                .addSubcommand(new LeversCommand(out))
                .addSubcommand(new LanesCommand(out))
                .addSubcommand(new OfflineLeversCommand(out));
    }
}
