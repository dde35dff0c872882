package io.warmpath.bench.overhead;

import java.util.Arrays;

/**
 * Latencies of one fixed-rate run, measured from each request's intended send time so that a stalled server is
 * charged for the requests it delayed (no coordinated omission).
 *
 * @param sent         requests sent
 * @param failed       requests that failed or answered other than 2xx
 * @param achievedRate completed requests per second over the run
 */
record LatencyStats(int sent, int failed, double achievedRate, long p50Nanos, long p90Nanos, long p99Nanos,
                    long maxNanos) {

    static LatencyStats of(long[] latencyNanos, int failed, double seconds) {
        long[] sorted = latencyNanos.clone();
        Arrays.sort(sorted);
        return new LatencyStats(sorted.length + failed, failed, sorted.length / seconds,
                percentile(sorted, 50), percentile(sorted, 90), percentile(sorted, 99),
                sorted.length == 0 ? 0 : sorted[sorted.length - 1]);
    }

    /** Nearest-rank percentile: the smallest value with at least p% of samples at or below it. */
    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    boolean anySucceeded() {
        return sent > failed;
    }

    double p50Millis() {
        return p50Nanos / 1e6;
    }

    double p99Millis() {
        return p99Nanos / 1e6;
    }
}
