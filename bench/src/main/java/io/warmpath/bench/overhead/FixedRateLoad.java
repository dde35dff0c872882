package io.warmpath.bench.overhead;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

/**
 * An open-loop load generator: request i is due at {@code start + i / rate} whatever happened to earlier ones, as
 * production traffic arrives, and its latency counts from that due time.
 */
final class FixedRateLoad {

    private final HttpClient http;

    FixedRateLoad(HttpClient http) {
        this.http = http;
    }

    LatencyStats run(IntFunction<HttpRequest> requests, double rate, Duration duration) throws InterruptedException {
        int total = (int) Math.round(rate * duration.toMillis() / 1000.0);
        long[] latencies = new long[total];
        AtomicInteger completed = new AtomicInteger();
        CompletableFuture<?>[] inFlight = new CompletableFuture<?>[total];
        long intervalNanos = (long) (1e9 / rate);
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long due = start + i * intervalNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            inFlight[i] = http.sendAsync(requests.apply(i), HttpResponse.BodyHandlers.discarding())
                    .handle((response, error) -> {
                        if (error == null && response.statusCode() / 100 == 2) {
                            latencies[completed.getAndIncrement()] = System.nanoTime() - due;
                        }
                        return null;
                    });
        }
        try {
            CompletableFuture.allOf(inFlight).get(60, TimeUnit.SECONDS);
        } catch (Exception timedOutOrFailed) {
            // Requests still open after a minute count as failures below.
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        int done = completed.get();
        long[] measured = Arrays.copyOf(latencies, done);
        return LatencyStats.of(measured, total - done, seconds);
    }
}
