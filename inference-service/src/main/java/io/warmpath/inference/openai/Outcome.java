package io.warmpath.inference.openai;

/** How a request ended; the {@code outcome} tag of the cell's request metrics. */
enum Outcome {
    /** Completed, and for streams ended with [DONE]. */
    OK,
    /** Rejected by the cell, the engine or the session's budget as a client mistake (4xx). */
    CLIENT_ERROR,
    /** The engine failed, timed out or could not be reached before answering. */
    ENGINE_ERROR,
    /** The cell itself failed unexpectedly (a bug, not the engine's or the client's doing). */
    INTERNAL_ERROR,
    /** A stream that had started broke off before [DONE]. */
    STREAM_BROKEN,
    /** The client went away first. */
    CANCELLED,
    /** Session-service could not check the session's budget, so the engine was not called (fail closed). */
    SESSION_UNAVAILABLE,
    /** policy-service could not decide on the cell's region, so the engine was not called (fail closed). */
    POLICY_UNAVAILABLE,
    /** Its admission lane refused it (queue full, or no start possible within its deadline): the engine was not called. */
    OVERLOADED;

    String tag() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
