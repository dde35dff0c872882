package io.warmpath.bench.overhead;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class AlternationTest {

    @Test
    void comparesEachRoundWithItselfAndTakesTheMedian() {
        // The machine slows down in round 2 for both sides: the ratio, not the absolute figure, is what counts.
        Alternation alternation = new Alternation(
                List.of(p50(11), p50(40), p50(12)),
                List.of(p50(10), p50(40), p50(10)));

        assertThat(alternation.p50Ratios()).containsExactly(1.1, 1.0, 1.2);
        assertThat(alternation.medianP50Ratio()).isEqualTo(1.1);
    }

    @Test
    void roundWithFailuresOnEitherSideIsLeftOut() {
        Alternation alternation = new Alternation(
                List.of(p50(12), failed(10), p50(30)),
                List.of(p50(10), p50(10), failed(10)));

        assertThat(alternation.p50Ratios()).containsExactly(1.2);
        assertThat(new Alternation(List.of(failed(1)), List.of(p50(1))).medianP50Ratio()).isNaN();
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertThat(Alternation.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
    }

    @Test
    void sidesMustHaveTheSameRounds() {
        assertThatThrownBy(() -> new Alternation(List.of(p50(1)), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static LatencyStats p50(long millis) {
        return new LatencyStats(10, 0, 10, millis * 1_000_000, 0, 0, 0);
    }

    private static LatencyStats failed(long millis) {
        return new LatencyStats(10, 1, 9, millis * 1_000_000, 0, 0, 0);
    }
}
