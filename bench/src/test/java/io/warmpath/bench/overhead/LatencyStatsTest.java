package io.warmpath.bench.overhead;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatencyStatsTest {

    @Test
    void percentilesUseNearestRankOnSortedSamples() {
        long[] samples = new long[100];
        for (int i = 0; i < 100; i++) {
            samples[i] = 100 - i; // 100 down to 1, unsorted on purpose
        }
        LatencyStats stats = LatencyStats.of(samples, 0, 2.0);
        assertThat(stats.p50Nanos()).isEqualTo(50);
        assertThat(stats.p90Nanos()).isEqualTo(90);
        assertThat(stats.p99Nanos()).isEqualTo(99);
        assertThat(stats.maxNanos()).isEqualTo(100);
        assertThat(stats.achievedRate()).isEqualTo(50.0);
    }

    @Test
    void failuresCountAsSentButNotAsLatencies() {
        LatencyStats stats = LatencyStats.of(new long[] {5, 7}, 3, 1.0);
        assertThat(stats.sent()).isEqualTo(5);
        assertThat(stats.failed()).isEqualTo(3);
        assertThat(stats.achievedRate()).isEqualTo(2.0);
        assertThat(LatencyStats.percentile(new long[0], 99)).isZero();
    }
}
