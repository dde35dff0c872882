package io.warmpath.session.redis;

/**
 * The Redis key layout. Short names on purpose: keys and hash fields are stored per session, and the service aims at
 * well under 1 KiB per session with its binding. The Lua scripts derive the same keys from {@link #PREFIX}.
 *
 * <ul>
 * <li>{@code wp:s:<session id>} hash: the session (see {@code SessionRecord} for the fields)</li>
 * <li>{@code wp:t:<sha-256 of the token>} string: session id (the token itself is never stored)</li>
 * <li>{@code wp:i:<sha-256 of tenant and affinity value>} string: session id of an implicit session</li>
 * <li>{@code wp:b:<cell id>} sorted set: ids of the sessions bound to the cell, scored by session expiry (epoch ms)
 * </li>
 * <li>{@code wp:r:<session id>} sorted set: open reservations by expiry (epoch ms); each member is
 * {@code <reservation id>:<tokens>:<nano-USD>}, so a hold can be reclaimed without its record</li>
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

    /**
     * The per-cell index. {@code b:} rather than the {@code c:} of the plain set it replaced: Redis refuses sorted-set
     * commands on a key of another type, so the old sets are left to expire on their own.
     */
    public static String cellIndex(String cellId) {
        return PREFIX + "b:" + cellId;
    }

    public static String reservation(String reservationId) {
        return PREFIX + "v:" + reservationId;
    }

    public static String ttftSamples(String sessionId) {
        return PREFIX + "f:" + sessionId;
    }
}
