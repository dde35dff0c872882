package io.warmpath.session.budgets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PercentilesTest {

    @Test
    void nearestRankPicksTheSmallestSampleCoveringTheQuantile() {
        long[] samples = {50, 10, 40, 20, 30, 60, 70, 80, 90, 100};

        assertThat(Percentiles.nearestRank(samples, 0.50)).isEqualTo(50);
        assertThat(Percentiles.nearestRank(samples, 0.95)).isEqualTo(100);
        assertThat(Percentiles.nearestRank(new long[] {7}, 0.95)).isEqualTo(7);
        assertThat(Percentiles.nearestRank(new long[0], 0.5)).isNull();
    }
}
