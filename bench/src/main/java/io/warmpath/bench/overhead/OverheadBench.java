package io.warmpath.bench.overhead;

import java.io.IOException;
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

import org.jspecify.annotations.Nullable;

/**
 * Latency Warmpath adds: the same small chat requests at the same fixed rate, sent straight to an engine, to an
 * inference cell in front of it, through the gateway (with and without a session header) and through a reference
 * proxy, one after the other in one run. Also finds the highest rate each path sustains.
 */
public final class OverheadBench {

    /** Requests cycle through this many sessions (and system prompts), so routing spreads them over the cells. */
    static final int SESSIONS = 64;
    // The system prompt differs per session too, so that requests without a session header (routed by their prompt
    // skeleton) spread over the cells as session turns do.
    private static final String BODY = """
            {"model":"%s","max_tokens":1,"messages":[{"role":"system","content":"You are terse, agent %d."},\
            {"role":"user","content":"Say ok."}]}""";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final FixedRateLoad load = new FixedRateLoad(http);
    private final PrintStream out;

    public OverheadBench(PrintStream out) {
        this.out = out;
    }

    /**
     * One target of the comparison: where requests go and the headers they carry.
     *
     * @param sessionHeader whether requests carry {@code x-session-affinity} (one of {@link #SESSIONS} values)
     * @param resolutions   whether the target is a gateway whose session-resolution timer is read around its run
     */
    public record Target(String name, URI baseUrl, Map<String, String> headers, boolean sessionHeader,
                         @Nullable URI metricsUrl) {

        /** A target whose requests carry the session header. */
        public Target(String name, URI baseUrl, Map<String, String> headers) {
            this(name, baseUrl, headers, true, null);
        }

        /** Whether the gateway's session resolution timer is read before and after its run (from its actuator). */
        boolean resolutions() {
            return metricsUrl != null;
        }
    }

    /**
     * Runs each target at {@code rate} for {@code duration} after a warm-up, and prints a Markdown table with the
     * latency each adds over the first target.
     */
    public Map<String, LatencyStats> compare(List<Target> targets, String model, double rate, Duration duration,
                                             Duration warmup) throws InterruptedException {
        Map<String, LatencyStats> results = new LinkedHashMap<>();
        Map<String, ResolutionTimes> resolutions = new LinkedHashMap<>();
        for (Target target : targets) {
            load.run(requests(target, model), rate, warmup);
            ResolutionTimes before = target.resolutions() ? scrapeResolutions(target) : null;
            results.put(target.name(), load.run(requests(target, model), rate, duration));
            if (before != null) {
                ResolutionTimes after = scrapeResolutions(target);
                if (after != null) {
                    resolutions.put(target.name(), after.minus(before));
                }
            }
        }
        out.printf(Locale.ROOT, "%n%d requests/s for %.1f s per target, small prompts, max_tokens 1%n%n",
                Math.round(rate), duration.toMillis() / 1000.0);
        out.println("| path | p50 ms | p99 ms | added p50 ms | added p99 ms | failed |");
        out.println("|---|---:|---:|---:|---:|---:|");
        LatencyStats baseline = results.values().iterator().next();
        results.forEach((name, stats) -> {
            if (!stats.anySucceeded()) {
                // No latency to show: a row of zeros would read as "adds nothing".
                out.printf(Locale.ROOT, "| %s | - | - | - | - | %d (all) |%n", name, stats.failed());
                return;
            }
            out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %.2f | %d |%n", name, stats.p50Millis(),
                    stats.p99Millis(), stats.p50Millis() - baseline.p50Millis(),
                    stats.p99Millis() - baseline.p99Millis(), stats.failed());
        });
        resolutions.forEach((name, times) -> out.printf(Locale.ROOT, "%nSession resolution at the gateway during "
                + "'%s' (the gateway's own timer; p99 as its bucket's upper bound): %d turns answered by the near "
                + "cache, p99 <= %.3f ms; %d asked session-service%s%n", name, times.nearCacheCount(),
                times.nearCacheP99Millis(), times.remoteCount(), times.remoteCount() == 0 ? ""
                        : String.format(Locale.ROOT, ", p99 <= %.1f ms", times.remoteP99Millis())));
        return results;
    }

    /**
     * Runs the same load against two targets, {@code rounds} times, alternating which goes first, and prints each
     * round and the median ratio of their p50s. Both stacks share the machine and its state for the whole run, which
     * a before-and-after on separate runs cannot give.
     */
    public Alternation alternate(Target candidate, Target baseline, String model, double rate, Duration duration,
                                 Duration warmup, int rounds) throws InterruptedException {
        List<LatencyStats> candidateRuns = new ArrayList<>();
        List<LatencyStats> baselineRuns = new ArrayList<>();
        out.printf(Locale.ROOT, "%n'%s' against '%s': %d rounds of %d requests/s for %.1f s each (after %.1f s of "
                + "warm-up), alternating which goes first%n%n", candidate.name(), baseline.name(), rounds,
                Math.round(rate), duration.toMillis() / 1000.0, warmup.toMillis() / 1000.0);
        out.println("| round | first | candidate p50 / p99 ms | baseline p50 / p99 ms | candidate / baseline p50 | failed |");
        out.println("|---:|---|---:|---:|---:|---:|");
        for (int round = 1; round <= rounds; round++) {
            boolean candidateFirst = round % 2 == 1;
            LatencyStats first = measured(candidateFirst ? candidate : baseline, model, rate, duration, warmup);
            LatencyStats second = measured(candidateFirst ? baseline : candidate, model, rate, duration, warmup);
            LatencyStats ofCandidate = candidateFirst ? first : second;
            LatencyStats ofBaseline = candidateFirst ? second : first;
            candidateRuns.add(ofCandidate);
            baselineRuns.add(ofBaseline);
            out.printf(Locale.ROOT, "| %d | %s | %.2f / %.2f | %.2f / %.2f | %.3f | %d / %d |%n", round,
                    candidateFirst ? "candidate" : "baseline", ofCandidate.p50Millis(), ofCandidate.p99Millis(),
                    ofBaseline.p50Millis(), ofBaseline.p99Millis(),
                    (double) ofCandidate.p50Nanos() / Math.max(1, ofBaseline.p50Nanos()), ofCandidate.failed(),
                    ofBaseline.failed());
        }
        Alternation alternation = new Alternation(candidateRuns, baselineRuns);
        double ratio = alternation.medianP50Ratio();
        out.printf(Locale.ROOT, "%nCandidate against baseline, median of the rounds' p50 ratios: %s%n",
                Double.isNaN(ratio) ? "n/a (no round without failures on both sides)"
                        : String.format(Locale.ROOT, "%.3f (%+.1f%%) over %d rounds", ratio, 100 * (ratio - 1),
                                alternation.p50Ratios().length));
        return alternation;
    }

    private LatencyStats measured(Target target, String model, double rate, Duration duration, Duration warmup)
            throws InterruptedException {
        load.run(requests(target, model), rate, warmup);
        return load.run(requests(target, model), rate, duration);
    }

    /** The gateway's resolution timer, or null (with a note) when its metrics cannot be read. */
    private ResolutionTimes scrapeResolutions(Target target) throws InterruptedException {
        try {
            return ResolutionTimes.scrape(http, target.metricsUrl());
        }
        catch (IOException unreadable) {
            out.printf(Locale.ROOT, "(session resolution times of '%s' not read: %s)%n", target.name(),
                    unreadable.getMessage());
            return null;
        }
    }

    /**
     * Sends to one target at each of {@code rates} (ascending) and prints what it achieved; the highest rate whose
     * requests all succeed with achieved throughput within 5% of the offered one is what it sustains. Stops at the
     * first rate it does not sustain: higher ones would only queue more.
     */
    public double sustainedRate(Target target, String model, List<Double> rates, Duration duration)
            throws InterruptedException {
        out.printf(Locale.ROOT, "%n%s, offered load against achieved, %.1f s per step%n%n", target.name(),
                duration.toMillis() / 1000.0);
        out.println("| offered req/s | achieved req/s | p50 ms | p99 ms | failed |");
        out.println("|---:|---:|---:|---:|---:|");
        double sustained = 0;
        for (double rate : rates) {
            LatencyStats stats = load.run(requests(target, model), rate, duration);
            out.printf(Locale.ROOT, "| %.0f | %.0f | %.2f | %.2f | %d |%n", rate, stats.achievedRate(),
                    stats.p50Millis(), stats.p99Millis(), stats.failed());
            if (stats.failed() > 0 || stats.achievedRate() < 0.95 * rate) {
                break;
            }
            sustained = rate;
        }
        return sustained;
    }

    private static IntFunction<HttpRequest> requests(Target target, String model) {
        URI uri = target.baseUrl().resolve("/v1/chat/completions");
        return i -> {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofSeconds(30))
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(BODY.formatted(model, i % SESSIONS)));
            if (target.sessionHeader()) {
                request.header("x-session-affinity", "bench-" + (i % SESSIONS));
            }
            target.headers().forEach(request::header);
            return request.build();
        };
    }
}
