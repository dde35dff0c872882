package io.warmpath.bench;

import io.warmpath.bench.online.OnlineCommand;
import io.warmpath.bench.overhead.OverheadBench;
import io.warmpath.bench.overhead.OverheadBench.Target;
import io.warmpath.bench.overhead.OverheadCommand;
import io.warmpath.bench.replay.ReplayCommand;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Command line of the bench: {@code replay} replays a workload offline and compares routing policies against the
 * ideal; {@code online} replays one against a running gateway; {@code overhead} compares latency straight to an
 * engine, through a cell, through the gateway and through nginx, and finds the rate each sustains;
 * {@code engine-rate} finds the request rate an engine sustains.
 * {@code ./warmpath bench} runs these (starting a stack for the commands that need one).
 */
public final class Bench {

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage();
            System.exit(2);
        }
        Map<String, String> options = options(args);
        switch (args[0]) {
            case "replay" -> new ReplayCommand(System.out, System.err).run(options);
            case "online" -> new OnlineCommand(System.out, System.err).run(options);
            case "overhead" -> new OverheadCommand(System.out).run(options);
            case "engine-rate" -> engineRate(options);
            default -> {
                usage();
                System.exit(2);
            }
        }
    }

    private static void engineRate(Map<String, String> options) throws InterruptedException {
        OverheadBench bench = new OverheadBench(System.out);
        String model = options.getOrDefault("model", "kimi-k2.5");
        Target engine = new Target("engine-sim", URI.create(required(options, "engine")), Map.of());
        bench.compare(List.of(engine), model, 100, Duration.ofSeconds(5), Duration.ofSeconds(5));
        double sustained = bench.sustainedRate(engine, model,
                OverheadBench.rates(options.getOrDefault("rates", "500,1000,1500,2000,3000")),
                Duration.ofSeconds(Long.parseLong(options.getOrDefault("seconds", "20"))));
        System.out.printf("%nHighest sustained rate: %.0f requests/s%n", sustained);
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument: " + arg);
            }
            int eq = arg.indexOf('=');
            if (eq > 0) {
                options.put(arg.substring(2, eq), arg.substring(eq + 1));
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                options.put(arg.substring(2), args[++i]);
            } else {
                options.put(arg.substring(2), "true"); // a flag, such as --synthetic
            }
        }
        return options;
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }

    private static void usage() {
        System.err.println("""
                usage: bench replay (--trace FILE [--format mooncake|bailian] | --synthetic [--seed 42] [--sessions 600]
                                     [--session-rate 0.5]) [--max-turns N] [--cells 8] [--total-cache-tokens 16000000]
                                     [--policies round-robin,consistent-hash,bounded-load,sticky] [--balance-factor 1.25]
                                     [--model kimi-k2.5] [--max-num-seqs 256] [--profile-policy NAME] [--out bench-results]
                                     [--scale-out-at FRACTION [--scale-out-cells 1]]
                       bench online --gateway URL --token JWT [--engines URL,URL...] (--trace FILE | --synthetic ...)
                                     [--max-turns 200] (--rate R | --time-scale S) [--model kimi-k2.5] [--out bench-results]
                       bench overhead --engine URL [--cell URL [--cell-token A] [--cell-policy-token A]] --gateway URL --token JWT
                                     [--gateway-management URL] [--nginx URL] [--rate 200]
                                     [--seconds 20] [--warmup 10] [--rates 100,200,...,3000|none] [--ladder-seconds 10]
                       bench engine-rate --engine URL [--rates 500,1000,1500,2000,3000] [--seconds 20]""");
    }
}
