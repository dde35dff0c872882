package io.warmpath.session.sessions;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.warmpath.session.Ids;
import io.warmpath.session.SessionProperties;
import io.warmpath.session.SessionProperties.TenantDefaults;
import io.warmpath.session.redis.RedisKeys;
import io.warmpath.session.redis.SessionScripts;
import io.warmpath.session.web.ApiError;
import io.warmpath.session.web.ApiErrorException;
import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Service;

/**
 * Session lifecycle and resolution. Another tenant's session is never distinguishable from no session: lookups are
 * checked against the calling tenant inside the same script that reads them.
 */
@Service
public class Sessions {

    /** Session ids are {@code ses_} and 26 base32 characters. */
    public static final String ID_PREFIX = "ses_";
    private static final int MAX_AFFINITY_LENGTH = 512;

    private static final RedisScript<List> OPEN = SessionScripts.load("open", List.class);
    private static final RedisScript<List> RESOLVE = SessionScripts.load("resolve", List.class);
    private static final RedisScript<List> ROTATE = SessionScripts.load("rotate", List.class);
    private static final RedisScript<Long> CLOSE = SessionScripts.load("close", Long.class);

    private final SessionScripts scripts;
    private final StringRedisTemplate redis;
    private final SessionProperties properties;
    private final SessionMetrics metrics;

    Sessions(SessionScripts scripts, StringRedisTemplate redis, SessionProperties properties,
            SessionMetrics metrics) {
        this.scripts = scripts;
        this.redis = redis;
        this.properties = properties;
        this.metrics = metrics;
    }

    /** A new explicit session and its token; the token is returned here once and stored only as a hash. */
    SessionViews.Created create(String tenant, CreateSessionRequest request) {
        String token = AffinityTokens.newToken();
        String tokenHash = AffinityTokens.hash(token);
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("w", request.workflow());
        fields.put("d", request.dataClass());
        if (request.region() != null) {
            fields.put("r", request.region());
        }
        fields.put("h", tokenHash);
        SessionRecord.putBudgets(fields, request.budgets());
        SessionRecord session = open(tenant, RedisKeys.token(tokenHash), request.ttlSeconds(), fields);
        metrics.created(false);
        return SessionViews.Created.of(session, token);
    }

    /** The tenant's session with this id, if it is live. */
    public Optional<SessionRecord> find(String tenant, String sessionId) {
        if (!Ids.isValid(ID_PREFIX, sessionId)) {
            return Optional.empty();
        }
        Map<String, String> hash = redis.<String, String>opsForHash().entries(RedisKeys.session(sessionId));
        if (!tenant.equals(hash.get("t"))) {
            return Optional.empty();
        }
        return Optional.of(SessionRecord.fromHash(sessionId, hash));
    }

    /** Like {@link #find} but a 404 when absent. */
    public SessionRecord require(String tenant, String sessionId) {
        return find(tenant, sessionId).orElseThrow(() -> new ApiErrorException(ApiError.sessionNotFound()));
    }

    /**
     * The session for an {@code x-session-affinity} value: a token must resolve to the tenant's live session (else
     * 404); any other value finds or opens the tenant's implicit session for it. Slides the session's expiry.
     */
    SessionRecord resolve(String tenant, @Nullable String affinity, @Nullable String workflow) {
        if (affinity == null || affinity.isBlank() || affinity.length() > MAX_AFFINITY_LENGTH) {
            throw new ApiErrorException(ApiError.invalidField("affinity",
                    "is required and must be 1 to " + MAX_AFFINITY_LENGTH + " characters"));
        }
        if (workflow != null && !CreateSessionRequest.WORKFLOW.matcher(workflow).matches()) {
            throw new ApiErrorException(ApiError.invalidField("workflow", "must match [a-z0-9._-]{1,64}"));
        }
        SessionRecord session = AffinityTokens.looksLikeToken(affinity)
                ? resolveToken(tenant, affinity)
                : openImplicit(tenant, affinity, workflow);
        if (workflow != null && session.workflow() != null && !workflow.equals(session.workflow())) {
            throw new ApiErrorException(ApiError.forbidden("workflow_mismatch",
                    "The session belongs to another workflow."));
        }
        return session;
    }

    /** A new token for the session; the old one stops resolving at once. */
    SessionViews.Rotated rotate(String tenant, String sessionId) {
        if (!Ids.isValid(ID_PREFIX, sessionId)) {
            throw new ApiErrorException(ApiError.sessionNotFound());
        }
        String token = AffinityTokens.newToken();
        String tokenHash = AffinityTokens.hash(token);
        List<?> reply = scripts.run(ROTATE, tenant, List.of(RedisKeys.token(tokenHash)), sessionId, tokenHash);
        return switch (String.valueOf(reply.getFirst())) {
            case "ok" -> new SessionViews.Rotated(token, Instant.ofEpochMilli((Long) reply.get(1)));
            case "implicit" -> throw new ApiErrorException(ApiError.invalidRequest("implicit_session",
                    "An implicit session has no affinity token to rotate."));
            default -> throw new ApiErrorException(ApiError.sessionNotFound());
        };
    }

    /** Closes the session: token, binding and reservations go; a 404 when there is none. */
    void close(String tenant, String sessionId) {
        Long closed = Ids.isValid(ID_PREFIX, sessionId) ? scripts.run(CLOSE, tenant, List.of(), sessionId) : null;
        if (closed == null || closed == 0) {
            throw new ApiErrorException(ApiError.sessionNotFound());
        }
    }

    private SessionRecord resolveToken(String tenant, String token) {
        List<?> reply = AffinityTokens.isWellFormed(token)
                ? scripts.run(RESOLVE, tenant, List.of(RedisKeys.token(AffinityTokens.hash(token))))
                : null;
        if (reply == null || reply.isEmpty() || reply.getFirst() == null) {
            throw new ApiErrorException(ApiError.sessionNotFound());
        }
        return SessionRecord.fromReply(String.valueOf(reply.getFirst()), reply, 1);
    }

    private SessionRecord openImplicit(String tenant, String affinity, @Nullable String workflow) {
        TenantDefaults defaults = properties.defaultsFor(tenant);
        String implicitHash = AffinityTokens.implicitHash(tenant, affinity);
        Map<String, String> fields = new LinkedHashMap<>();
        if (workflow != null) {
            fields.put("w", workflow);
        }
        String dataClass = defaults.dataClass() == null ? CreateSessionRequest.DEFAULT_DATA_CLASS
                : defaults.dataClass();
        fields.put("d", dataClass);
        fields.put("k", implicitHash);
        SessionRecord.putBudgets(fields, new Budgets(defaults.maxContextTokens(), defaults.maxGrowthTokensPerTurn(),
                defaults.maxTotalTokens(), defaults.maxCostUsd()));
        Duration ttl = defaults.ttl();
        return open(tenant, RedisKeys.implicit(implicitHash), Math.max(1, ttl.toSeconds()), fields);
    }

    private SessionRecord open(String tenant, String lookupKey, long ttlSeconds, Map<String, String> fields) {
        List<Object> args = new ArrayList<>();
        String newId = Ids.random(ID_PREFIX);
        args.add(newId);
        args.add(ttlSeconds);
        fields.forEach((field, value) -> {
            args.add(field);
            args.add(value);
        });
        List<?> reply = scripts.run(OPEN, tenant, List.of(lookupKey), args.toArray());
        boolean created = Long.valueOf(1).equals(reply.get(1));
        SessionRecord session = SessionRecord.fromReply(String.valueOf(reply.getFirst()), reply, 2);
        if (created && session.implicit()) {
            metrics.created(true);
        }
        return session;
    }
}
