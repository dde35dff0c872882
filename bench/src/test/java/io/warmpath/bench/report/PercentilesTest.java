package io.warmpath.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PercentilesTest {

    private final Percentiles percentiles = Percentiles.of(new double[] {5, 1, 4, 2, 3});

    @Test
    void nearestRankPicksTheSmallestSampleCoveringTheShare() {
        assertThat(percentiles.at(50)).isEqualTo(3); // rank ceil(2.5) = 3
        assertThat(percentiles.at(20)).isEqualTo(1); // rank 1
        assertThat(percentiles.at(21)).isEqualTo(2); // rank ceil(1.05) = 2
        assertThat(percentiles.at(95)).isEqualTo(5);
        assertThat(percentiles.at(100)).isEqualTo(5);
    }

    @Test
    void noSamplesGiveZero() {
        assertThat(Percentiles.of(new double[0]).at(99)).isZero();
    }

    @Test
    void cdfPairsEachValueWithTheShareAtOrBelowIt() {
        double[][] cdf = percentiles.cdf(5);

        assertThat(cdf).hasDimensions(5, 2);
        assertThat(cdf[0]).containsExactly(1, 0.2);
        assertThat(cdf[4]).containsExactly(5, 1.0);
    }
}
