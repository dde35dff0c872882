package io.warmpath.session.redis;

/**
 * The Redis key layout. Short names on purpose: keys and hash fields are stored per session, and the service aims at
 * well under 1 KiB per session with its binding. The Lua scripts derive the same keys from {@link #PREFIX}.
 *
 * <p>Every key of one session carries the session id as its hash tag ({@code {ses_...}}), so a Redis Cluster keeps
 * them in one slot and each script, which touches one session, runs on one node. The keys that lead to a session or
 * span sessions (token and implicit lookups, cell indexes) are keys of their own, written outside the scripts:
 * {@code SessionStore}.
 *
 * <ul>
 * <li>{@code wp:{<session id>}:s} hash: the session (see {@code SessionRecord} for the fields)</li>
 * <li>{@code wp:{<session id>}:r} sorted set: open reservations by expiry (epoch ms); each member is
 * {@code <reservation id>:<tokens>:<nano-USD>}, so a hold can be reclaimed without its record</li>
 * <li>{@code wp:{<session id>}:v:<reservation or turn id>} hash: one reservation (session, tokens, cost, expiry,
 * model, state), or the marker of a recorded turn</li>
 * <li>{@code wp:{<session id>}:f} list: the latest time-to-first-token samples in ms, newest first</li>
 * <li>{@code wp:t:<sha-256 of the token>} string: session id (the token itself is never stored)</li>
 * <li>{@code wp:i:<sha-256 of tenant and affinity value>} string: session id of an implicit session</li>
 * <li>{@code wp:o:<base64url sha-256 of tenant>} sorted set: ids of the tenant's open implicit sessions, scored by
 * when they opened (epoch ms); members whose session is gone are pruned when the tenant reaches its cap, at most
 * every few seconds ({@code wp:o:<...>:p} marks the latest pruning)</li>
 * <li>{@code wp:w:<base64url sha-256 of tenant and workflow>} hash: the workflow's tool use, {@code n} its turns that
 * offered tools and {@code c:<tool>} the value of {@code n} when the tool was last called (see {@code ToolTrimming})
 * </li>
 * <li>{@code wp:b:<cell id>} sorted set: ids of the sessions bound to the cell, scored by session expiry (epoch ms)
 * </li>
 * </ul>
 * A lookup key only points: the session answers to it only while its own hash holds the same token hash ({@code h})
 * or implicit hash ({@code k}), so a pointer left behind by a rotation or a crash leads nowhere.
 */
public final class RedisKeys {

    public static final String PREFIX = "wp:";

    private RedisKeys() {
    }

    public static String session(String sessionId) {
        return ofSession(sessionId, "s");
    }

    public static String holds(String sessionId) {
        return ofSession(sessionId, "r");
    }

    public static String reservation(String sessionId, String reservationId) {
        return ofSession(sessionId, "v:" + reservationId);
    }

    public static String ttftSamples(String sessionId) {
        return ofSession(sessionId, "f");
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

    /** The tenant's open implicit sessions; {@code tenantHash} is its tenant's base64url SHA-256. */
    public static String openImplicit(String tenantHash) {
        return PREFIX + "o:" + tenantHash;
    }

    /** Present while a pruning of {@link #openImplicit} was done lately. */
    public static String openImplicitPruned(String tenantHash) {
        return openImplicit(tenantHash) + ":p";
    }

    /** A workflow's tool use; {@code workflowHash} is its tenant's and its own base64url SHA-256. */
    public static String workflowTools(String workflowHash) {
        return PREFIX + "w:" + workflowHash;
    }

    private static String ofSession(String sessionId, String kind) {
        return PREFIX + "{" + sessionId + "}:" + kind;
    }
}
