package io.warmpath.bench.online;

import io.warmpath.bench.report.JsonReport;
import io.warmpath.bench.report.Percentiles;
import io.warmpath.bench.report.PolicySummary.Triple;
import io.warmpath.bench.workload.PromptSynthesizer;
import io.warmpath.bench.workload.Turn;
import io.warmpath.bench.workload.Workload;
import io.warmpath.bench.workload.WorkloadSource;
import io.warmpath.enginesim.engine.ModelProfile;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code bench online}: replays a workload through a running gateway, open loop (each turn is sent at its due time
 * whatever happened to earlier ones), either at a fixed rate or at the trace's timestamps times a time scale. Each
 * turn streams; the client measures time to first token and end to end, and reads
 * {@code usage.prompt_tokens_details.cached_tokens}. The engines' {@code vllm:prefix_cache_*} counters are read before
 * and after, so the hit ratio the responses report is cross-checked against the one the engines count. The policy is
 * whatever the gateway is configured with.
 */
@Command(name = "online", header = "Replays a workload through a running gateway, open loop.",
        description = {"Each turn is sent at its due time whatever happened to earlier ones: at --rate turns per second, "
                + "or at the trace's timestamps times --time-scale. Prints hit ratio (from the responses and from the "
                + "engines' counters), time to first token, end to end, load spread and cost, and writes a JSON report.",
                "Replays the first " + OnlineCommand.DEFAULT_MAX_TURNS + " turns unless --max-turns says otherwise."})
public final class OnlineCommand implements Callable<Integer> {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Turns replayed when no {@code --max-turns} is given: a run of a few minutes. */
    static final int DEFAULT_MAX_TURNS = 200;

    private final PrintStream out;
    private final PrintStream progressOut;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Mixin
    private WorkloadSource workloadSource;

    @Option(names = "--gateway", paramLabel = "URL", required = true, description = "The gateway's base URL.")
    private URI gateway;

    @Option(names = "--token", paramLabel = "JWT", required = true, description = "Bearer token the gateway accepts.")
    private String token;

    @Option(names = "--engines", paramLabel = "URL,URL", split = ",",
            description = "Engines whose vllm:prefix_cache_* counters cross-check the hit ratio.")
    private List<URI> engines = List.of();

    @Option(names = "--model", paramLabel = "M", defaultValue = "kimi-k2.5",
            description = "Model to request, and the price list of the cost column (default: ${DEFAULT-VALUE}).")
    private String model;

    @Option(names = "--rate", paramLabel = "R", description = "Turns per second, ignoring the trace's timestamps.")
    private @Nullable Double rate;

    @Option(names = "--time-scale", paramLabel = "S", defaultValue = "1",
            description = "Multiplies the trace's inter-arrival times when no --rate is given (default: ${DEFAULT-VALUE}).")
    private double timeScale;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "bench-results",
            description = "Directory of the JSON report (default: ${DEFAULT-VALUE}).")
    private Path outDirectory;

    @Spec
    private CommandSpec spec;

    public OnlineCommand(PrintStream out, PrintStream progressOut) {
        this.out = out;
        this.progressOut = progressOut;
    }

    /**
     * What one turn got back; token counts from the response's usage, times from its due time.
     *
     * @param status HTTP status (0 when the connection failed)
     */
    record Sent(int turn, int status, long promptTokens, long cachedTokens, long completionTokens, double ttftMillis,
                double e2eMillis) {
        boolean ok() {
            return status == 200 && promptTokens > 0;
        }
    }

    /**
     * The run's figures.
     *
     * @param usageHitRatio  cached over prompt tokens as the responses report them
     * @param engineHitRatio hits over queries as the engines count them (delta over the run); NaN without engines
     * @param loadSpread     max over mean of requests each engine completed during the run; NaN without engines
     * @param failuresByStatus failed turns by HTTP status (0: no response; 200: a stream that ended without usage)
     */
    record OnlineSummary(String workload, String gateway, int turns, int succeeded, int failed,
                         Map<Integer, Long> failuresByStatus, double usageHitRatio,
                         double engineHitRatio, Triple ttftMillis, Triple e2eMillis, double loadSpread,
                         double costPer1000Turns, double wallSeconds, long engineCacheTokensPerCell, int engines) {
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        if ((rate != null && !(rate > 0)) || !(timeScale >= 0)) {
            throw new ParameterException(spec.commandLine(), "--rate must be above 0 and --time-scale at least 0");
        }
        Workload workload = workloadSource.load(DEFAULT_MAX_TURNS);
        ModelProfile prices = ModelProfile.named(model).orElse(ModelProfile.KIMI_K2_5);
        double[] dueSeconds = schedule(workload, rate, timeScale);

        List<EngineMetrics> before = scrapeAll(engines);
        AtomicInteger done = new AtomicInteger();
        long started = System.nanoTime();
        List<Future<Sent>> pending = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Turn turn : workload.turns()) {
                long dueNanos = started + (long) (dueSeconds[turn.index()] * 1e9);
                pending.add(threads.submit(() -> {
                    long wait = dueNanos - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(Duration.ofNanos(wait));
                    }
                    Sent sent = send(gateway, token, model, turn, dueNanos);
                    int finished = done.incrementAndGet();
                    progressOut.printf(Locale.ROOT, "\ronline %3d%% (%,d / %,d turns)",
                            finished * 100 / workload.size(), finished, workload.size());
                    return sent;
                }));
            }
        }
        double wallSeconds = (System.nanoTime() - started) / 1e9;
        progressOut.print("\r" + " ".repeat(50) + "\r");
        List<Sent> results = new ArrayList<>();
        for (Future<Sent> future : pending) {
            try {
                results.add(future.get());
            } catch (Exception failed) {
                results.add(new Sent(-1, 0, 0, 0, 0, 0, 0));
            }
        }
        List<EngineMetrics> after = scrapeAll(engines);
        OnlineSummary summary = summarise(workload.name(), gateway.toString(), results, before, after, prices,
                wallSeconds);
        print(summary);
        Files.createDirectories(outDirectory);
        Path report = outDirectory.resolve("online-" + workload.name().toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "") + ".json");
        Files.writeString(report, JsonReport.render(summary));
        out.println("\nReport: " + report);
        return 0;
    }

    /** Seconds from the start at which each turn is due: {@code rate} turns per second, else trace time scaled. */
    static double[] schedule(Workload workload, @Nullable Double rate, double timeScale) {
        double[] due = new double[workload.size()];
        double first = workload.turns().isEmpty() ? 0 : workload.turns().getFirst().arrivalSeconds();
        for (Turn turn : workload.turns()) {
            due[turn.index()] = rate != null ? turn.index() / rate : (turn.arrivalSeconds() - first) * timeScale;
        }
        return due;
    }

    private Sent send(URI gateway, String token, String model, Turn turn, long dueNanos) {
        Map<String, Object> body = Map.of("model", model, "max_tokens", turn.outputTokens(), "ignore_eos", true,
                "stream", true, "stream_options", Map.of("include_usage", true),
                "messages", List.of(Map.of("role", "user", "content", PromptSynthesizer.text(turn))));
        HttpRequest request = HttpRequest.newBuilder(gateway.resolve("/v1/chat/completions"))
                .timeout(Duration.ofMinutes(5))
                .header("authorization", "Bearer " + token)
                .header("content-type", "application/json")
                .header("x-session-affinity", turn.sessionId())
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build();
        try {
            HttpResponse<Stream<String>> response = http.send(request, HttpResponse.BodyHandlers.ofLines());
            StreamedAnswer answer = StreamedAnswer.read(response.body(), dueNanos);
            double ttft = answer.ttftMillis();
            JsonNode usage = answer.usage();
            double e2e = (System.nanoTime() - dueNanos) / 1e6;
            if (usage == null) {
                return new Sent(turn.index(), response.statusCode(), 0, 0, 0, ttft, e2e);
            }
            return new Sent(turn.index(), response.statusCode(), usage.path("prompt_tokens").asLong(),
                    usage.path("prompt_tokens_details").path("cached_tokens").asLong(),
                    usage.path("completion_tokens").asLong(), ttft, e2e);
        } catch (IOException | RuntimeException failed) {
            return new Sent(turn.index(), 0, 0, 0, 0, 0, 0);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return new Sent(turn.index(), 0, 0, 0, 0, 0, 0);
        }
    }

    static OnlineSummary summarise(String workload, String gateway, List<Sent> results, List<EngineMetrics> before,
                                   List<EngineMetrics> after, ModelProfile prices, double wallSeconds) {
        List<Sent> ok = results.stream().filter(Sent::ok).toList();
        long prompt = ok.stream().mapToLong(Sent::promptTokens).sum();
        long cached = ok.stream().mapToLong(Sent::cachedTokens).sum();
        double cost = ok.stream().mapToDouble(s -> prices.costUsd(s.promptTokens(), s.cachedTokens(),
                s.completionTokens())).sum();
        double queries = 0;
        double hits = 0;
        double[] served = new double[after.size()];
        long cacheTokens = 0;
        for (int i = 0; i < after.size(); i++) {
            queries += after.get(i).prefixCacheQueries() - before.get(i).prefixCacheQueries();
            hits += after.get(i).prefixCacheHits() - before.get(i).prefixCacheHits();
            served[i] = after.get(i).requestsSucceeded() - before.get(i).requestsSucceeded();
            cacheTokens = after.get(i).blockSize() * after.get(i).gpuBlocks();
        }
        double total = Arrays.stream(served).sum();
        double spread = served.length == 0 || total == 0 ? Double.NaN
                : Arrays.stream(served).max().orElse(0) / (total / served.length);
        Percentiles ttft = Percentiles.of(ok.stream().mapToDouble(Sent::ttftMillis).toArray());
        Percentiles e2e = Percentiles.of(ok.stream().mapToDouble(Sent::e2eMillis).toArray());
        Map<Integer, Long> failures = new TreeMap<>(results.stream().filter(sent -> !sent.ok())
                .collect(Collectors.groupingBy(Sent::status, Collectors.counting())));
        return new OnlineSummary(workload, gateway, results.size(), ok.size(), results.size() - ok.size(), failures,
                prompt == 0 ? 0 : (double) cached / prompt, queries > 0 ? hits / queries : Double.NaN,
                Triple.of(ttft), Triple.of(e2e), spread, ok.isEmpty() ? 0 : cost / ok.size() * 1000, wallSeconds,
                cacheTokens, after.size());
    }

    private void print(OnlineSummary s) {
        out.printf(Locale.ROOT, "Online replay of %s through %s: %,d turns sent in %.1f s, %,d succeeded, %,d failed%s.%n",
                s.workload(), s.gateway(), s.turns(), s.wallSeconds(), s.succeeded(), s.failed(),
                s.failed() == 0 ? "" : " (by HTTP status: " + s.failuresByStatus() + ")");
        if (s.engines() > 0) {
            out.printf(Locale.ROOT, "Engines read: %d, each caching %,d tokens (vllm:cache_config_info). For the offline "
                    + "twin run: bench replay ... --cells %d --total-cache-tokens %d --max-turns %d%n%n", s.engines(),
                    s.engineCacheTokensPerCell(), s.engines(), s.engines() * s.engineCacheTokensPerCell(), s.turns());
        }
        out.println("| hit ratio (usage) | hit ratio (engine metrics) | TTFT p50 / p95 / p99 ms | e2e p50 / p95 / p99 ms "
                + "| load max/mean (engines) | $ per 1k turns |");
        out.println("|---:|---:|---:|---:|---:|---:|");
        out.printf(Locale.ROOT, "| %.1f%% | %s | %.0f / %.0f / %.0f | %.0f / %.0f / %.0f | %s | %.3f |%n",
                100 * s.usageHitRatio(), Double.isNaN(s.engineHitRatio()) ? "n/a" : format("%.1f%%", 100 * s.engineHitRatio()),
                s.ttftMillis().p50(), s.ttftMillis().p95(), s.ttftMillis().p99(), s.e2eMillis().p50(),
                s.e2eMillis().p95(), s.e2eMillis().p99(),
                Double.isNaN(s.loadSpread()) ? "n/a" : format("%.2f", s.loadSpread()), s.costPer1000Turns());
    }

    private List<EngineMetrics> scrapeAll(List<URI> engines) throws IOException, InterruptedException {
        List<EngineMetrics> metrics = new ArrayList<>();
        for (URI engine : engines) {
            metrics.add(EngineMetrics.scrape(http, engine));
        }
        return metrics;
    }

    private static String format(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }
}
