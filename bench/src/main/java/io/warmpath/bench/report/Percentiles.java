package io.warmpath.bench.report;

import java.util.Arrays;

/** Nearest-rank percentiles over samples, the definition the overhead bench also uses. */
public final class Percentiles {

    private final double[] sorted;

    private Percentiles(double[] sorted) {
        this.sorted = sorted;
    }

    public static Percentiles of(double[] samples) {
        double[] sorted = samples.clone();
        Arrays.sort(sorted);
        return new Percentiles(sorted);
    }

    /** The smallest sample with at least {@code p} percent of samples at or below it; 0 without samples. */
    public double at(double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    public int count() {
        return sorted.length;
    }

    /**
     * {@code points} points of the empirical distribution, (value, share of samples at or below it), evenly spaced in
     * rank: enough to draw a CDF without carrying every sample.
     */
    public double[][] cdf(int points) {
        if (sorted.length == 0) {
            return new double[0][];
        }
        int n = Math.min(points, sorted.length);
        double[][] cdf = new double[n][];
        for (int i = 0; i < n; i++) {
            int rank = (int) Math.ceil((i + 1) * (double) sorted.length / n);
            cdf[i] = new double[] {sorted[rank - 1], (double) rank / sorted.length};
        }
        return cdf;
    }
}
