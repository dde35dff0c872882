package io.warmpath.bench.artifacts;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A service's heap in use, from its Prometheus endpoint ({@code jvm_memory_used_bytes} summed over the heap pools),
 * sampled every 100 ms; the peak since the last reset.
 */
final class HeapWatch implements AutoCloseable {

    private final HttpClient http;
    private final URI prometheus;
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong peak = new AtomicLong();
    private volatile long max = -1;

    private HeapWatch(HttpClient http, URI management) {
        this.http = http;
        this.prometheus = management.resolve("/actuator/prometheus");
    }

    static HeapWatch start(HttpClient http, URI management) {
        HeapWatch watch = new HeapWatch(http, management);
        watch.sampler.scheduleAtFixedRate(watch::sample, 0, 100, TimeUnit.MILLISECONDS);
        return watch;
    }

    long current() {
        return scrape();
    }

    /** The highest heap in use since the last call. */
    long peakAndReset() {
        sample();
        return peak.getAndSet(0);
    }

    /** The heap's maximum size ({@code -Xmx}, or what the JVM chose). */
    long max() {
        return max;
    }

    private void sample() {
        long used = scrape();
        peak.accumulateAndGet(used, Math::max);
    }

    /** The heap in use, or -1 when the endpoint cannot be read. */
    private long scrape() {
        try {
            String body = http.send(HttpRequest.newBuilder(prometheus).build(), HttpResponse.BodyHandlers.ofString())
                    .body();
            long used = 0;
            long limit = 0;
            for (String line : body.split("\n")) {
                if (!line.contains("area=\"heap\"")) {
                    continue;
                }
                long value = (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                if (line.startsWith("jvm_memory_used_bytes")) {
                    used += value;
                } else if (line.startsWith("jvm_memory_max_bytes") && value > 0) {
                    limit += value;
                }
            }
            if (limit > 0) {
                max = limit;
            }
            return used;
        } catch (Exception unreadable) {
            return -1;
        }
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}
