package io.warmpath.session.sessions;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ApiErrorException;
import io.warmpath.contracts.errors.ErrorCode;
import io.warmpath.session.SessionProperties;
import io.warmpath.session.redis.RedisKeys;
import io.warmpath.session.redis.SessionScripts;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.ZSetOperations;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * Holds each tenant to its cap on open implicit sessions ({@code max-open-implicit-sessions}), so that one tenant's
 * client inventing a new affinity value per request cannot fill Redis for everyone. A session claims its place
 * atomically before it opens and gives it back when it closes; one that simply expires keeps its place until the
 * tenant reaches the cap, when a random sample of places is checked against the sessions that still exist (at most
 * every {@link #PRUNE_INTERVAL} per tenant, so that a tenant at its cap cannot make every refusal a scan).
 */
@Component
class ImplicitSessionCap {

    /** How often a tenant at its cap has its places checked. */
    static final Duration PRUNE_INTERVAL = Duration.ofSeconds(5);
    /** How long a claimed place is left alone by pruning: its session is opening. */
    static final Duration CLAIM_GRACE = Duration.ofSeconds(10);
    /** How many places one check looks at. */
    static final int PRUNE_BATCH = 128;
    /** When a refused client may try again: places come free as sessions close or expire, not within a second. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(30);

    private static final RedisScript<Long> CLAIM = SessionScripts.load("implicit_claim", Long.class);

    private final SessionScripts scripts;
    private final StringRedisTemplate redis;
    private final SessionProperties properties;

    ImplicitSessionCap(SessionScripts scripts, StringRedisTemplate redis, SessionProperties properties) {
        this.scripts = scripts;
        this.redis = redis;
        this.properties = properties;
    }

    /**
     * Claims a place for {@code sessionId}, about to open.
     *
     * @throws ApiErrorException 429 {@code session_limit_exceeded} when the tenant has its cap of open implicit
     *                           sessions
     */
    void claim(String tenant, String sessionId) {
        int cap = properties.implicitSessionCap(tenant);
        if (cap == 0) {
            return;
        }
        String places = RedisKeys.openImplicit(AffinityTokens.tenantHash(tenant));
        if (tryClaim(tenant, places, cap, sessionId) || (prune(tenant, places) && tryClaim(tenant, places, cap,
                sessionId))) {
            return;
        }
        throw new ApiErrorException(ApiError.retryable(ErrorCode.SESSION_LIMIT_EXCEEDED, "This tenant has " + cap
                + " implicit sessions open, the most it may have; close one (DELETE /v1/sessions/{id}) or let one "
                + "expire, or reuse an affinity value.", RETRY_AFTER));
    }

    /** Gives back the place of a session that closed, or that never opened after all. */
    void release(String tenant, String sessionId) {
        if (properties.implicitSessionCap(tenant) > 0) {
            redis.opsForZSet().remove(RedisKeys.openImplicit(AffinityTokens.tenantHash(tenant)), sessionId);
        }
    }

    private boolean tryClaim(String tenant, String places, int cap, String sessionId) {
        Long claimed = scripts.run(CLAIM, tenant, List.of(places), cap, sessionId);
        return claimed != null && claimed == 1;
    }

    /**
     * Frees the places of sessions that are gone, among a random sample (a sample, not the oldest: long-lived sessions
     * would otherwise hide the expired ones behind them for ever); whether any came free. A place claimed moments ago
     * is left alone, its session may not have opened yet.
     */
    private boolean prune(String tenant, String places) {
        Boolean due = redis.opsForValue().setIfAbsent(RedisKeys.openImplicitPruned(AffinityTokens.tenantHash(tenant)), "1",
                PRUNE_INTERVAL);
        if (!Boolean.TRUE.equals(due)) {
            return false;
        }
        Set<ZSetOperations.TypedTuple<String>> sample = redis.opsForZSet().distinctRandomMembersWithScore(places,
                PRUNE_BATCH);
        if (sample == null) {
            return false;
        }
        double settled = scripts.nowMillis() - CLAIM_GRACE.toMillis();
        // One key at a time: on Redis Cluster the sessions live in other slots than the set.
        Object[] gone = sample.stream()
                .filter(place -> place.getValue() != null && place.getScore() != null && place.getScore() < settled)
                .map(ZSetOperations.TypedTuple::getValue)
                .filter(id -> !Boolean.TRUE.equals(redis.hasKey(RedisKeys.session(id))))
                .toArray();
        return gone.length > 0 && redis.opsForZSet().remove(places, gone) > 0;
    }
}
