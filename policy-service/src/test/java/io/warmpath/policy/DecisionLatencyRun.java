package io.warmpath.policy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Decision latency at the policy service under a steady load, measured over real HTTP on loopback: the whole service
 * in this JVM (default policies, audit log on), and an open-loop client sending batches at a fixed rate. Latency
 * runs from each batch's scheduled send time to its answer, so a stall counts against every batch it delays.
 *
 * <p>Arguments (all optional): rate per second (500), seconds measured (30), batch size (2), warm-up seconds (15),
 * audit log level ({@code INFO}: on).
 * Results go to stderr; send stdout (the audit log) to a file or {@code /dev/null}. See docs/benchmarks.md.
 */
public final class DecisionLatencyRun {

    private DecisionLatencyRun() {
    }

    public static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        int warmUpSeconds = args.length > 3 ? Integer.parseInt(args[3]) : 15;
        String auditLevel = args.length > 4 ? args[4] : "INFO";
        try (ConfigurableApplicationContext service = SpringApplication.run(PolicyServiceApplication.class,
                "--server.port=0", "--spring.main.banner-mode=off",
                "--logging.level.warmpath.policy.audit=" + auditLevel,
                "--management.metrics.distribution.percentiles.http.server.requests=0.5,0.99,0.999",
                // Server-side percentiles over the last 20 s, so they cover measured batches, not the warm-up.
                "--management.metrics.distribution.expiry.all=20s",
                "--management.metrics.distribution.buffer-length.all=2")) {
            int port = ((WebServerApplicationContext) service).getWebServer().getPort();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/decisions"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body(batch)))
                    .build();
            run(http, request, rate, warmUpSeconds);
            long[] latencies = run(http, request, rate, seconds);
            Arrays.sort(latencies);
            MeterRegistry meters = service.getBean(MeterRegistry.class);
            Timer decisions = meters.get("warmpath.policy.decision.duration").timer();
            Timer requests = meters.get("http.server.requests").tag("uri", "/v1/decisions").timer();
            System.err.printf(Locale.ROOT, "audit %s, rate %d/s, batch %d, %d batches in %d s: p50 %.3f ms, "
                            + "p90 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms%n", auditLevel, rate, batch,
                    latencies.length, seconds,
                    millis(latencies, 0.50), millis(latencies, 0.90), millis(latencies, 0.99),
                    millis(latencies, 0.999), latencies[latencies.length - 1] / 1e6);
            for (ValueAtPercentile percentile : requests.takeSnapshot().percentileValues()) {
                System.err.printf(Locale.ROOT, "  server, whole request (last 20 s): p%s %.3f ms%n",
                        percentile.percentile() * 100, percentile.value(TimeUnit.MILLISECONDS));
            }
            for (ValueAtPercentile percentile : decisions.takeSnapshot().percentileValues()) {
                System.err.printf(Locale.ROOT, "  server, one decision (last 20 s): p%s %.3f ms%n",
                        percentile.percentile() * 100, percentile.value(TimeUnit.MILLISECONDS));
            }
        }
    }

    /** Sends {@code rate} batches a second for {@code seconds}, open loop; returns each batch's latency in ns. */
    private static long[] run(HttpClient http, HttpRequest request, int rate, int seconds) throws Exception {
        int total = rate * seconds;
        long[] latencies = new long[total];
        AtomicInteger failures = new AtomicInteger();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        CompletableFuture<?>[] answers = new CompletableFuture<?>[total];
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) / rate;
        long start = System.nanoTime();
        try (ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor()) {
            for (int i = 0; i < total; i++) {
                int index = i;
                long scheduled = start + i * intervalNanos;
                CompletableFuture<Void> answered = new CompletableFuture<>();
                answers[i] = answered;
                pacer.schedule(() -> http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                        .whenComplete((response, failure) -> {
                            latencies[index] = System.nanoTime() - scheduled;
                            if (failure != null || response.statusCode() != 200) {
                                failures.incrementAndGet();
                                firstFailure.compareAndSet(null, failure != null ? failure.toString()
                                        : "status " + response.statusCode());
                            }
                            answered.complete(null);
                        }), scheduled - System.nanoTime(), TimeUnit.NANOSECONDS);
            }
            CompletableFuture.allOf(answers).get(seconds + 60L, TimeUnit.SECONDS);
        }
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " batches failed, first: " + firstFailure.get());
        }
        return latencies;
    }

    /** A gateway-like batch: one question per region, regulated data, the tenant's regions and others. */
    private static String body(int batch) {
        StringBuilder requests = new StringBuilder();
        for (int i = 0; i < batch; i++) {
            requests.append(i == 0 ? "" : ",").append("""
                    {"principal":{"id":"agent-1","tenant":"dev","roles":["analyst"],"home_region":"local",
                     "clearance":"regulated"},"action":"infer",
                     "resource":{"type":"Cell","id":"region-%d","region":"%s","data_class":"regulated"},
                     "context":{"data_region":"local"}}""".formatted(i, i % 2 == 0 ? "local" : "eu-west"));
        }
        return "{\"requests\":[" + requests + "]}";
    }

    private static double millis(long[] sorted, double quantile) {
        int index = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }
}
