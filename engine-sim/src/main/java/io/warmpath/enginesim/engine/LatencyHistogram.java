package io.warmpath.enginesim.engine;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;

/** A cumulative histogram of seconds with fixed upper bounds, safe to observe and read from any thread. */
public final class LatencyHistogram {

    /** vLLM's bucket bounds for {@code vllm:time_to_first_token_seconds}. */
    public static final double[] TTFT_BUCKETS = {
            0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
            20.0, 40.0, 80.0, 160.0, 640.0, 2560.0};

    private final double[] upperBounds;
    /** Per-bucket (not cumulative) counts; the last slot is +Inf. */
    private final AtomicLongArray counts;
    private final DoubleAdder sum = new DoubleAdder();

    public LatencyHistogram(double[] upperBounds) {
        this.upperBounds = upperBounds.clone();
        this.counts = new AtomicLongArray(upperBounds.length + 1);
    }

    public void observe(double seconds) {
        int bucket = 0;
        while (bucket < upperBounds.length && seconds > upperBounds[bucket]) {
            bucket++;
        }
        counts.incrementAndGet(bucket);
        sum.add(seconds);
    }

    /** A consistent-enough copy for exposition (buckets are read one by one). */
    public Snapshot snapshot() {
        long[] cumulative = new long[upperBounds.length + 1];
        long running = 0;
        for (int index = 0; index < cumulative.length; index++) {
            running += counts.get(index);
            cumulative[index] = running;
        }
        return new Snapshot(upperBounds.clone(), cumulative, sum.sum());
    }

    /**
     * @param upperBounds      bucket bounds ("le"), without +Inf
     * @param cumulativeCounts observations at or below each bound; one more entry for +Inf (= the total count)
     * @param sum              sum of observations
     */
    public record Snapshot(double[] upperBounds, long[] cumulativeCounts, double sum) {

        public long count() {
            return cumulativeCounts[cumulativeCounts.length - 1];
        }
    }
}
