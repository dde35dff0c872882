package io.warmpath.inference.lanes;

import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;

/** A request's place in a lane, held until {@link #release()} (idempotent). */
public final class Ticket {

    /** The place of a request that bypasses the lanes. */
    public static final Ticket UNLIMITED = new Ticket(null, 0);
    /** Marks a waiter that gave up its place in the queue. */
    static final Ticket CANCELLED = new Ticket(null, 0);

    private final @Nullable Lane lane;
    private final long startNanos;
    private final AtomicBoolean released = new AtomicBoolean();

    Ticket(@Nullable Lane lane, long startNanos) {
        this.lane = lane;
        this.startNanos = startNanos;
    }

    /** The lane it is in; null for one that bypasses them. */
    public Lane.@Nullable Kind lane() {
        return lane == null ? null : lane.kind();
    }

    long startNanos() {
        return startNanos;
    }

    public void release() {
        if (lane != null && released.compareAndSet(false, true)) {
            lane.release(this);
        }
    }
}
