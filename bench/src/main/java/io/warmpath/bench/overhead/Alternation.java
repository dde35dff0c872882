package io.warmpath.bench.overhead;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The rounds of an A/B comparison of two stacks under the same load, each round measuring both one after the other.
 * Machine noise moves both sides of a round together, so the comparison is the median of the per-round ratios.
 *
 * @param candidate the stack under test, one result per round
 * @param baseline  the stack it is compared with, one result per round
 */
record Alternation(List<LatencyStats> candidate, List<LatencyStats> baseline) {

    Alternation {
        if (candidate.size() != baseline.size() || candidate.isEmpty()) {
            throw new IllegalArgumentException("an alternation needs the same number of rounds, at least one, per side");
        }
        candidate = List.copyOf(candidate);
        baseline = List.copyOf(baseline);
    }

    /** Candidate p50 over baseline p50 in each round whose requests all succeeded on both sides. */
    double[] p50Ratios() {
        return IntStream.range(0, candidate.size())
                .filter(round -> candidate.get(round).failed() == 0 && baseline.get(round).failed() == 0)
                .mapToDouble(round -> (double) candidate.get(round).p50Nanos() / baseline.get(round).p50Nanos())
                .toArray();
    }

    /** Median of {@link #p50Ratios()}; NaN when no round succeeded on both sides. */
    double medianP50Ratio() {
        return median(p50Ratios());
    }

    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
