package io.warmpath.gateway;

import java.time.Clock;

import com.github.benmanes.caffeine.cache.Ticker;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * Gives the gateway {@link #CLOCK} as its clock and ticker, so a test moves past cooldowns and cache ages with
 * {@link JumpingClock#jump} instead of sleeping through them. One clock for every context that imports it: it only
 * ever runs ahead of real time, which no test waits on.
 */
@TestConfiguration(proxyBeanMethods = false)
class MovableTime {

    static final JumpingClock CLOCK = new JumpingClock();

    @Bean
    @Primary
    Clock movableClock() {
        return CLOCK;
    }

    @Bean
    @Primary
    Ticker movableTicker() {
        return CLOCK::nanos;
    }
}
