package io.warmpath.bench.overhead;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Latency Warmpath adds: the same small chat requests at the same fixed rate, sent straight to an engine, to an
 * inference cell in front of it, and through the gateway, one after the other in one run. Also measures the highest
 * rate an engine sustains, so that benchmarks know it is never their bottleneck.
 */
public final class OverheadBench {

    private static final String BODY = """
            {"model":"%s","max_tokens":1,"messages":[{"role":"system","content":"You are terse."},\
            {"role":"user","content":"Say ok %d."}]}""";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final FixedRateLoad load = new FixedRateLoad(http);
    private final PrintStream out;

    public OverheadBench(PrintStream out) {
        this.out = out;
    }

    /** One target of the comparison: where requests go and the headers they carry. */
    public record Target(String name, URI baseUrl, Map<String, String> headers) {
    }

    /**
     * Runs each target at {@code rate} for {@code duration} after a warm-up, and prints a Markdown table with the
     * latency each adds over the first target.
     */
    public Map<String, LatencyStats> compare(List<Target> targets, String model, double rate, Duration duration,
                                             Duration warmup) throws InterruptedException {
        Map<String, LatencyStats> results = new LinkedHashMap<>();
        for (Target target : targets) {
            load.run(requests(target, model), rate, warmup);
            results.put(target.name(), load.run(requests(target, model), rate, duration));
        }
        out.printf(Locale.ROOT, "%n%d requests/s for %d s per target, small prompts, max_tokens 1%n%n",
                Math.round(rate), duration.toSeconds());
        out.println("| path | p50 ms | p99 ms | added p50 ms | added p99 ms | failed |");
        out.println("|---|---:|---:|---:|---:|---:|");
        LatencyStats baseline = results.values().iterator().next();
        results.forEach((name, stats) -> out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %.2f | %d |%n", name,
                stats.p50Millis(), stats.p99Millis(), stats.p50Millis() - baseline.p50Millis(),
                stats.p99Millis() - baseline.p99Millis(), stats.failed()));
        return results;
    }

    /**
     * Sends to one target at each of {@code rates} and prints what it achieved; the highest rate whose requests all
     * succeed with achieved throughput within 5% of the offered one is what it sustains.
     */
    public double sustainedRate(Target target, String model, List<Double> rates, Duration duration)
            throws InterruptedException {
        out.printf("%n%s, offered load against achieved, %d s per step%n%n", target.name(), duration.toSeconds());
        out.println("| offered req/s | achieved req/s | p50 ms | p99 ms | failed |");
        out.println("|---:|---:|---:|---:|---:|");
        double sustained = 0;
        for (double rate : rates) {
            LatencyStats stats = load.run(requests(target, model), rate, duration);
            out.printf(Locale.ROOT, "| %.0f | %.0f | %.2f | %.2f | %d |%n", rate, stats.achievedRate(),
                    stats.p50Millis(), stats.p99Millis(), stats.failed());
            if (stats.failed() == 0 && stats.achievedRate() >= 0.95 * rate) {
                sustained = rate;
            }
        }
        return sustained;
    }

    private static IntFunction<HttpRequest> requests(Target target, String model) {
        URI uri = target.baseUrl().resolve("/v1/chat/completions");
        return i -> {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofSeconds(30))
                    .header("content-type", "application/json")
                    // 64 sessions, so routing spreads the load as real traffic would.
                    .header("x-session-affinity", "bench-" + (i % 64))
                    .POST(HttpRequest.BodyPublishers.ofString(BODY.formatted(model, i % 64)));
            target.headers().forEach(request::header);
            return request.build();
        };
    }

    public static List<Double> rates(String csv) {
        List<Double> rates = new ArrayList<>();
        for (String rate : csv.split(",")) {
            rates.add(Double.parseDouble(rate.trim()));
        }
        return rates;
    }
}
