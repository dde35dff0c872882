package io.warmpath.session.redis;

/**
 * The Redis key layout. Short names on purpose: keys and hash fields are stored per session, and the service aims at
 * well under 1 KiB per session with its binding. The Lua scripts derive the same keys from {@link #PREFIX}.
 *
 * <ul>
 * <li>{@code wp:s:<session id>} hash: the session (see {@code SessionRecord} for the fields)</li>
 * <li>{@code wp:t:<sha-256 of the token>} string: session id (the token itself is never stored)</li>
 * <li>{@code wp:i:<sha-256 of tenant and affinity value>} string: session id of an implicit session</li>
 * <li>{@code wp:c:<cell id>} set: ids of the sessions bound to the cell</li>
 * <li>{@code wp:r:<session id>} sorted set: open reservation ids by expiry (epoch ms)</li>
 * <li>{@code wp:v:<reservation id>} hash: one reservation (session, tokens, cost, expiry, model, state)</li>
 * <li>{@code wp:f:<session id>} list: the latest time-to-first-token samples in ms, newest first</li>
 * </ul>
 */
public final class RedisKeys {

    public static final String PREFIX = "wp:";

    private RedisKeys() {
    }

    public static String session(String sessionId) {
        return PREFIX + "s:" + sessionId;
    }

    public static String token(String tokenHash) {
        return PREFIX + "t:" + tokenHash;
    }

    public static String implicit(String implicitHash) {
        return PREFIX + "i:" + implicitHash;
    }

    public static String cell(String cellId) {
        return PREFIX + "c:" + cellId;
    }

    public static String reservation(String reservationId) {
        return PREFIX + "v:" + reservationId;
    }

    public static String ttftSamples(String sessionId) {
        return PREFIX + "f:" + sessionId;
    }
}
