package io.warmpath.session.budgets;

import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/** Nearest-rank percentiles: the smallest sample with at least q of all samples at or below it. */
final class Percentiles {

    private Percentiles() {
    }

    /** @return null when there are no samples */
    static @Nullable Long nearestRank(long[] samples, double q) {
        if (samples.length == 0) {
            return null;
        }
        long[] sorted = samples.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(rank, 1) - 1];
    }
}
