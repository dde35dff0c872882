package io.warmpath.assertion;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AssertionWarmUpTest {

    @Test
    void signsAndVerifiesTheRoundsItIsGiven() throws Exception {
        assertThat(new AssertionWarmUp(20, Duration.ofMinutes(1)).warmUp()).isEqualTo(20);
    }

    @Test
    void stopsWhenItsTimeIsUpWhateverRoundsAreLeft() throws Exception {
        assertThat(new AssertionWarmUp(1_000_000, Duration.ZERO).warmUp()).isZero();
    }
}
