package io.warmpath.gateway;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Real time that a test can move ahead: the gateway keeps running on it as usual (probes, cache ages, cooldowns all
 * pass), and {@link #jump} skips a cooldown or a cache's age at once instead of sleeping through it.
 * {@link #nanos()} reads it as a monotonic source ({@code Caffeine.ticker(clock::nanos)}).
 */
final class JumpingClock extends Clock {

    private final AtomicLong aheadNanos = new AtomicLong();

    void jump(Duration duration) {
        aheadNanos.addAndGet(duration.toNanos());
    }

    long nanos() {
        return System.nanoTime() + aheadNanos.get();
    }

    @Override
    public Instant instant() {
        return Instant.now().plusNanos(aheadNanos.get());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("UTC only");
    }
}
