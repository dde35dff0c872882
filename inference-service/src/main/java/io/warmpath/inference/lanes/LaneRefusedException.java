package io.warmpath.inference.lanes;

import java.time.Duration;

/** A lane could not take a request: its queue is full, or the request could not start within its deadline. */
public final class LaneRefusedException extends RuntimeException {

    private final Lane.Kind lane;
    private final Duration retryAfter;
    private final boolean full;

    LaneRefusedException(Lane.Kind lane, Duration retryAfter, boolean full) {
        super(null, null, false, false);
        this.lane = lane;
        this.retryAfter = retryAfter;
        this.full = full;
    }

    public Lane.Kind lane() {
        return lane;
    }

    /** When the lane expects room again, from its queue and how long its requests take. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** Whether the queue was full, rather than too long for the request's deadline. */
    public boolean full() {
        return full;
    }
}
