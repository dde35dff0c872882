package io.warmpath.bench.overhead;

import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import io.warmpath.bench.overhead.OverheadBench.Target;
import io.warmpath.contracts.WarmpathHeaders;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bench overhead}: the same small requests at one fixed rate straight to an engine, to a cell, through the
 * gateway with and without a session header, and through nginx when one is given; then the highest rate the engine,
 * the gateway and nginx each sustain (a rate ladder). The two gateway rows differ by everything a session costs: with
 * the header the gateway resolves the session through its near cache and the cell records the turn in the session's
 * ledger (the bench's implicit sessions have no limits, so nothing is reserved); without it the key is the prompt
 * skeleton and no session is involved. The gateway's own timer gives the resolution's share.
 */
@Command(name = "overhead", header = "Compares the latency each hop adds, and the rate each path sustains.",
        description = {"The same small requests at one fixed rate straight to an engine, to a cell, through the gateway "
                + "with and without a session header, and through nginx when one is given; then the highest rate the "
                + "engine, the gateway and nginx each sustain (a rate ladder)."})
public final class OverheadCommand implements Callable<Integer> {

    static final String ENGINE = "engine, direct";
    static final String CELL = "inference cell -> engine";
    static final String GATEWAY = "gateway -> cell -> engine";
    static final String GATEWAY_NO_SESSION = "gateway -> cell -> engine, no session header";
    static final String NGINX = "nginx -> cell -> engine";
    static final String BASELINE = "baseline gateway -> cell -> engine";
    /** Offered rates of the ladder, requests per second; {@code --rates none} skips it. */
    static final String DEFAULT_LADDER = "100,200,400,700,1000,1500,2000,3000";

    private final PrintStream out;

    @Option(names = "--engine", paramLabel = "URL", required = true, description = "The engine, called directly.")
    private URI engine;

    @Option(names = "--cell", paramLabel = "URL", description = "An inference cell in front of that engine.")
    private @Nullable URI cell;

    @Option(names = "--cell-token", paramLabel = "ASSERTION",
            description = "Internal assertion for calling the cell (and nginx) directly.")
    private @Nullable String cellToken;

    @Option(names = "--cell-policy-token", paramLabel = "ASSERTION",
            description = "Internal assertion for policy-service that the cell's region check forwards.")
    private @Nullable String cellPolicyToken;

    @Option(names = "--gateway", paramLabel = "URL", required = true, description = "The gateway's base URL.")
    private URI gateway;

    @Option(names = "--gateway-management", paramLabel = "URL",
            description = "The gateway's actuator base URL, for its resolution timer (default: --gateway).")
    private @Nullable URI gatewayManagement;

    @Option(names = "--token", paramLabel = "JWT", required = true, description = "Bearer token the gateway accepts.")
    private String token;

    @Option(names = "--nginx", paramLabel = "URL", description = "nginx in front of the same cells, the reference proxy.")
    private @Nullable URI nginx;

    @Option(names = "--model", paramLabel = "M", defaultValue = "kimi-k2.5",
            description = "Model to request (default: ${DEFAULT-VALUE}).")
    private String model;

    @Option(names = "--rate", paramLabel = "R", defaultValue = "200",
            description = "Requests per second of the comparison (default: ${DEFAULT-VALUE}).")
    private double rate;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "20",
            description = "Measured seconds per path (default: ${DEFAULT-VALUE}).")
    private double seconds;

    @Option(names = "--warmup", paramLabel = "S", defaultValue = "10",
            description = "Unmeasured seconds per path first (default: ${DEFAULT-VALUE}).")
    private double warmup;

    @Option(names = "--rates", paramLabel = "R,R", defaultValue = DEFAULT_LADDER,
            description = "Offered rates of the ladder, or none to skip it (default: ${DEFAULT-VALUE}).")
    private String ladder;

    @Option(names = "--ladder-seconds", paramLabel = "S", defaultValue = "10",
            description = "Seconds per ladder step (default: ${DEFAULT-VALUE}).")
    private double ladderSeconds;

    @Option(names = "--baseline-gateway", paramLabel = "URL",
            description = "Another stack's gateway to compare the session path with, in alternating rounds after the "
                    + "comparison (say, the previous release on other ports).")
    private @Nullable URI baselineGateway;

    @Option(names = "--baseline-token", paramLabel = "JWT",
            description = "Bearer token the baseline gateway accepts (required with --baseline-gateway).")
    private @Nullable String baselineToken;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "6",
            description = "Rounds of the baseline comparison (default: ${DEFAULT-VALUE}).")
    private int rounds;

    @Spec
    private CommandSpec spec;

    public OverheadCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws InterruptedException {
        List<Double> rates = ladder.equals("none") ? List.of() : Rates.parse(spec, "--rates", ladder);
        if (!(rate > 0) || !(seconds > 0) || !(warmup >= 0) || !(ladderSeconds > 0)) {
            throw new ParameterException(spec.commandLine(),
                    "--rate, --seconds and --ladder-seconds must be above 0, --warmup at least 0");
        }
        if ((baselineGateway == null) != (baselineToken == null) || rounds < 1) {
            throw new ParameterException(spec.commandLine(),
                    "--baseline-gateway and --baseline-token go together, with --rounds at least 1");
        }
        List<Target> targets = targets();
        OverheadBench bench = new OverheadBench(out);
        Map<String, LatencyStats> results = bench.compare(targets, model, rate, Rates.duration(seconds),
                Rates.duration(warmup));
        if (results.containsKey(NGINX)) {
            out.println(addedLatencyRatio(results));
        }
        if (baselineGateway != null) {
            Target sessionPath = targets.stream().filter(target -> target.name().equals(GATEWAY))
                    .findFirst().orElseThrow();
            bench.alternate(sessionPath, new Target(BASELINE, baselineGateway,
                    Map.of("authorization", "Bearer " + baselineToken)), model, rate, Rates.duration(seconds),
                    Rates.duration(warmup), rounds);
        }
        if (rates.isEmpty()) {
            return 0;
        }
        Duration step = Rates.duration(ladderSeconds);
        Map<String, Double> sustained = new LinkedHashMap<>();
        for (Target target : targets) {
            if (List.of(ENGINE, GATEWAY, NGINX).contains(target.name())) {
                sustained.put(target.name(), bench.sustainedRate(target, model, rates, step));
            }
        }
        out.printf(Locale.ROOT, "%nHighest sustained rate (all requests 2xx, achieved within 5%% of offered), %.1f s "
                + "per step:%n%n| path | req/s |%n|---|---:|%n", step.toMillis() / 1000.0);
        sustained.forEach((name, rate) -> out.printf(Locale.ROOT, "| %s | %s |%n", name,
                rate > 0 ? String.format(Locale.ROOT, "%.0f", rate) : "below the lowest step"));
        return 0;
    }

    /** The comparison's targets, in order: the first is the baseline every added latency is measured from. */
    List<Target> targets() {
        List<Target> targets = new ArrayList<>();
        targets.add(new Target(ENGINE, engine, Map.of()));
        // Cells serve only the gateway's internal assertion: a direct call (or nginx's) brings one, and the one for
        // policy-service that the cell's region check forwards.
        Map<String, String> assertion = new LinkedHashMap<>();
        if (cellToken != null) {
            assertion.put("authorization", "Bearer " + cellToken);
        }
        if (cellPolicyToken != null) {
            assertion.put(WarmpathHeaders.POLICY_ASSERTION, cellPolicyToken);
        }
        if (cell != null) {
            targets.add(new Target(CELL, cell, assertion));
        }
        Map<String, String> bearer = Map.of("authorization", "Bearer " + token);
        // Its actuator is on the management port, never the public one.
        targets.add(new Target(GATEWAY, gateway, bearer, true, gatewayManagement != null ? gatewayManagement : gateway));
        targets.add(new Target(GATEWAY_NO_SESSION, gateway, bearer, false, null));
        if (nginx != null) {
            targets.add(new Target(NGINX, nginx, assertion));
        }
        return targets;
    }

    /** The issue's yardstick: Warmpath's added p50 against nginx's, both over the engine direct. */
    static String addedLatencyRatio(Map<String, LatencyStats> results) {
        if (!results.get(ENGINE).anySucceeded() || !results.get(GATEWAY).anySucceeded()
                || !results.get(NGINX).anySucceeded()) {
            return "\nAdded p50, gateway against nginx: n/a (every request of a path failed; see the table)";
        }
        double engine = results.get(ENGINE).p50Millis();
        double gateway = results.get(GATEWAY).p50Millis() - engine;
        double nginx = results.get(NGINX).p50Millis() - engine;
        return String.format(Locale.ROOT, "%nAdded p50 over the engine: gateway %.2f ms, nginx %.2f ms; gateway / nginx"
                + " = %s (target: at most 3)", gateway, nginx, nginx > 0 ? String.format(Locale.ROOT, "%.1f",
                gateway / nginx) : "n/a (nginx added nothing measurable)");
    }
}
