package io.warmpath.bench.overhead;

import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.warmpath.bench.overhead.OverheadBench.Target;
import io.warmpath.contracts.WarmpathHeaders;

/**
 * {@code bench overhead}: the same small requests at one fixed rate straight to an engine, to a cell, through the
 * gateway with and without a session header, and through nginx when one is given; then the highest rate the engine,
 * the gateway and nginx each sustain (a rate ladder). The two gateway rows differ by everything a session costs: with
 * the header the gateway resolves the session through its near cache and the cell records the turn in the session's
 * ledger (the bench's implicit sessions have no limits, so nothing is reserved); without it the key is the prompt
 * skeleton and no session is involved. The gateway's own timer gives the resolution's share.
 */
public final class OverheadCommand {

    static final String ENGINE = "engine, direct";
    static final String CELL = "inference cell -> engine";
    static final String GATEWAY = "gateway -> cell -> engine";
    static final String GATEWAY_NO_SESSION = "gateway -> cell -> engine, no session header";
    static final String NGINX = "nginx -> cell -> engine";
    /** Offered rates of the ladder, requests per second; {@code --rates none} skips it. */
    static final String DEFAULT_LADDER = "100,200,400,700,1000,1500,2000,3000";

    private final PrintStream out;

    public OverheadCommand(PrintStream out) {
        this.out = out;
    }

    public void run(Map<String, String> options) throws InterruptedException {
        String model = options.getOrDefault("model", "kimi-k2.5");
        List<Target> targets = targets(options);
        OverheadBench bench = new OverheadBench(out);
        Map<String, LatencyStats> results = bench.compare(targets, model,
                Double.parseDouble(options.getOrDefault("rate", "200")), seconds(options, "seconds", "20"),
                seconds(options, "warmup", "10"));
        if (results.containsKey(NGINX)) {
            out.println(addedLatencyRatio(results));
        }
        String ladder = options.getOrDefault("rates", DEFAULT_LADDER);
        if (ladder.equals("none")) {
            return;
        }
        Duration step = seconds(options, "ladder-seconds", "10");
        Map<String, Double> sustained = new LinkedHashMap<>();
        for (Target target : targets) {
            if (List.of(ENGINE, GATEWAY, NGINX).contains(target.name())) {
                sustained.put(target.name(), bench.sustainedRate(target, model, OverheadBench.rates(ladder), step));
            }
        }
        out.printf(Locale.ROOT, "%nHighest sustained rate (all requests 2xx, achieved within 5%% of offered), %.1f s "
                + "per step:%n%n| path | req/s |%n|---|---:|%n", step.toMillis() / 1000.0);
        sustained.forEach((name, rate) -> out.printf(Locale.ROOT, "| %s | %s |%n", name,
                rate > 0 ? String.format(Locale.ROOT, "%.0f", rate) : "below the lowest step"));
    }

    /** The comparison's targets, in order: the first is the baseline every added latency is measured from. */
    static List<Target> targets(Map<String, String> options) {
        List<Target> targets = new ArrayList<>();
        targets.add(new Target(ENGINE, URI.create(required(options, "engine")), Map.of()));
        // Cells serve only the gateway's internal assertion: a direct call (or nginx's) brings one, and the one for
        // policy-service that the cell's region check forwards.
        Map<String, String> assertion = new LinkedHashMap<>();
        if (options.containsKey("cell-token")) {
            assertion.put("authorization", "Bearer " + options.get("cell-token"));
        }
        if (options.containsKey("cell-policy-token")) {
            assertion.put(WarmpathHeaders.POLICY_ASSERTION, options.get("cell-policy-token"));
        }
        if (options.containsKey("cell")) {
            targets.add(new Target(CELL, URI.create(options.get("cell")), assertion));
        }
        URI gateway = URI.create(required(options, "gateway"));
        Map<String, String> token = Map.of("authorization", "Bearer " + required(options, "token"));
        // Its actuator is on the management port, never the public one.
        URI management = URI.create(options.getOrDefault("gateway-management", gateway.toString()));
        targets.add(new Target(GATEWAY, gateway, token, true, management));
        targets.add(new Target(GATEWAY_NO_SESSION, gateway, token, false, null));
        if (options.containsKey("nginx")) {
            targets.add(new Target(NGINX, URI.create(options.get("nginx")), assertion));
        }
        return targets;
    }

    /** The yardstick: Warmpath's added p50 against nginx's, both over the engine direct. */
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

    private static Duration seconds(Map<String, String> options, String name, String fallback) {
        return Duration.ofMillis(Math.round(Double.parseDouble(options.getOrDefault(name, fallback)) * 1000));
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }
}
