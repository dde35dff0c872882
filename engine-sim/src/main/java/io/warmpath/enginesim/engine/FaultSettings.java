package io.warmpath.enginesim.engine;

/**
 * Faults to inject, for reliability tests. Not part of vLLM.
 *
 * @param failNext       the next N generation requests fail at once with {@code failStatus}
 * @param failStatus     HTTP status of those failures (default 500)
 * @param stallMs        extra wait before the first token, in real (wall-clock) milliseconds, so that client
 *                       deadlines can be tested whatever the time scale
 * @param cutAfterTokens end each generation with a {@link StreamCutException} after this many tokens (-1 = off)
 * @param slowdown       multiplies prefill and decode times (1.0 = off)
 */
public record FaultSettings(int failNext, int failStatus, long stallMs, int cutAfterTokens, double slowdown) {

    /** No faults. */
    public static final FaultSettings NONE = new FaultSettings(0, 500, 0, -1, 1.0);

    public FaultSettings {
        if (failNext < 0 || stallMs < 0 || cutAfterTokens < -1) {
            throw new IllegalArgumentException("failNext and stallMs must be >= 0, cutAfterTokens >= -1");
        }
        if (failStatus < 400 || failStatus > 599) {
            throw new IllegalArgumentException("failStatus must be an HTTP error status (400-599)");
        }
        if (!(slowdown > 0) || Double.isInfinite(slowdown)) {
            throw new IllegalArgumentException("slowdown must be a positive number");
        }
    }

    FaultSettings withFailNext(int remaining) {
        return new FaultSettings(remaining, failStatus, stallMs, cutAfterTokens, slowdown);
    }
}
