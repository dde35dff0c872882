package io.warmpath.routing;

import java.util.BitSet;

/**
 * What a policy needs to know about one request.
 *
 * @param key          the routing key: tenant and session, or the prompt skeleton's hash; {@code null} when there is none
 * @param load         the pool's current load
 * @param excluded     indexes of cells not to pick this time (for example those that just failed this request)
 * @param binding      the session's stored binding, read by {@code sticky} only; {@code null} for a session without
 *                     one (its first turn) and for requests that are not part of a session
 * @param promptTokens an estimate of this turn's whole prompt in tokens (the context the engine must hold), read by
 *                     {@code sticky} only; 0 when unknown
 */
public record PickRequest(String key, LoadView load, BitSet excluded, SessionBinding binding, long promptTokens) {

    public PickRequest {
        load = load == null ? LoadView.NONE : load;
        excluded = excluded == null ? new BitSet() : excluded;
        if (promptTokens < 0) {
            throw new IllegalArgumentException("promptTokens must not be negative, was " + promptTokens);
        }
    }

    /** A request outside any session binding, as every policy but {@code sticky} sees it. */
    public PickRequest(String key, LoadView load, BitSet excluded) {
        this(key, load, excluded, null, 0);
    }

    public static PickRequest of(String key) {
        return new PickRequest(key, LoadView.NONE, new BitSet());
    }

    public static PickRequest of(String key, LoadView load) {
        return new PickRequest(key, load, new BitSet());
    }

    /**
     * This request as one turn of a session.
     *
     * @param binding      the stored binding, or {@code null} when the session has none yet
     * @param promptTokens the estimated prompt tokens of this turn; 0 when unknown
     */
    public PickRequest withSession(SessionBinding binding, long promptTokens) {
        return new PickRequest(key, load, excluded, binding, promptTokens);
    }

    boolean allowed(int cellIndex) {
        return !excluded.get(cellIndex);
    }
}
