package io.warmpath.session.redis;

import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * The keys that lead to sessions or span them, kept beside the session scripts because on Redis Cluster they live
 * in other slots than the sessions they name: token and implicit lookup keys, and the per-cell indexes. Each change
 * is one single-key command or script. A session is created before any lookup key leads to it and answers to a
 * lookup only while its own hash agrees (see {@link RedisKeys}), so a lookup key or index entry left behind by a
 * crash between two steps misleads no one; it expires on its own.
 */
@Component
public class SessionLookups {

    /**
     * How much longer than its session a lookup key lives: the session may be slid a moment after the key was, and a
     * lookup key that expired first would open a second implicit session while the first still holds its usage.
     */
    static final Duration GRACE = Duration.ofMinutes(1);

    private static final RedisScript<Long> SET = SessionScripts.load("lookup_set", Long.class);
    private static final RedisScript<Long> REMOVE = SessionScripts.load("lookup_remove", Long.class);
    private static final RedisScript<Long> INDEX = SessionScripts.load("cell_index", Long.class);

    private final StringRedisTemplate redis;
    private final SessionScripts scripts;

    SessionLookups(StringRedisTemplate redis, SessionScripts scripts) {
        this.redis = redis;
        this.scripts = scripts;
    }

    /** The session id the lookup key leads to, if any. */
    public @Nullable String find(String lookupKey) {
        return redis.opsForValue().get(lookupKey);
    }

    /**
     * Points the lookup key at {@code sessionId} for the session's ttl (plus {@link #GRACE}) if it still leads to
     * {@code expected} ({@code null}: to nothing).
     *
     * @return whether it was set
     */
    public boolean point(String lookupKey, @Nullable String expected, String sessionId, Duration sessionTtl) {
        Long set = scripts.run(SET, "", List.of(lookupKey), expected, sessionId, sessionTtl.plus(GRACE).toMillis());
        return set != null && set == 1;
    }

    /** Keeps the lookup key for the session's ttl (plus {@link #GRACE}) from now. */
    public void slide(String lookupKey, Duration sessionTtl) {
        redis.expire(lookupKey, sessionTtl.plus(GRACE));
    }

    /** Removes the lookup key if it still leads to {@code sessionId}. */
    public void remove(String lookupKey, String sessionId) {
        scripts.run(REMOVE, "", List.of(lookupKey), sessionId);
    }

    /** Files the session in the cell's index until {@code expiresAtMillis}. */
    public void index(String cellId, String sessionId, long expiresAtMillis) {
        scripts.run(INDEX, "", List.of(RedisKeys.cellIndex(cellId)), sessionId, expiresAtMillis);
    }

    /** Takes the session out of the cell's index. */
    public void unindex(String cellId, String sessionId) {
        redis.opsForZSet().remove(RedisKeys.cellIndex(cellId), sessionId);
    }
}
