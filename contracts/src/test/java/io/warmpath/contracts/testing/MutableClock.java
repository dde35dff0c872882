package io.warmpath.contracts.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock tests move by hand. {@link #nanos()} reads the same time as a monotonic source, for code that takes a
 * ticker ({@code Caffeine.ticker(clock::nanos)}).
 */
public final class MutableClock extends Clock {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    private volatile Instant now = START;

    public void advance(Duration duration) {
        now = now.plus(duration);
    }

    /** Nanoseconds since this clock's start. */
    public long nanos() {
        return Duration.between(START, now).toNanos();
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
