package io.warmpath.session.sessions;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.warmpath.contracts.DataClass;
import io.warmpath.contracts.assertion.Assertion;
import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ApiErrorException;
import io.warmpath.contracts.errors.ErrorCode;
import io.warmpath.session.Ids;
import io.warmpath.session.SessionProperties.TenantDefaults;
import io.warmpath.session.SessionProperties;
import io.warmpath.session.redis.RedisKeys;
import io.warmpath.session.redis.SessionScripts;
import io.warmpath.session.web.Errors;
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
    /** Closes or rotates any session of the tenant. */
    static final String ADMIN_SCOPE = "sessions:admin";

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
    SessionViews.Created create(String tenant, @Nullable String owner, CreateSessionRequest request) {
        String token = AffinityTokens.newToken();
        String tokenHash = AffinityTokens.hash(token);
        Map<String, String> fields = new LinkedHashMap<>();
        putOwner(fields, owner);
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
        return find(tenant, sessionId).orElseThrow(() -> new ApiErrorException(Errors.sessionNotFound()));
    }

    /**
     * The session for an {@code x-session-affinity} value: a token must resolve to the tenant's live session (else
     * 404); any other value finds or opens the tenant's implicit session for it. Slides the session's expiry.
     */
    SessionRecord resolve(String tenant, @Nullable String caller, String affinity, @Nullable String workflow) {
        SessionRecord session = AffinityTokens.looksLikeToken(affinity)
                ? resolveToken(tenant, affinity)
                : openImplicit(tenant, caller, affinity, workflow);
        if (workflow != null && session.workflow() != null && !workflow.equals(session.workflow())) {
            throw new ApiErrorException(ApiError.of(ErrorCode.WORKFLOW_MISMATCH,
                    "The session belongs to another workflow."));
        }
        return session;
    }

    /** A new token for the session; the old one stops resolving at once. */
    SessionViews.Rotated rotate(String tenant, Assertion caller, String sessionId) {
        requireOwnerOrAdmin(require(tenant, sessionId), caller);
        String token = AffinityTokens.newToken();
        String tokenHash = AffinityTokens.hash(token);
        List<?> reply = scripts.run(ROTATE, tenant, List.of(RedisKeys.token(tokenHash)), sessionId, tokenHash);
        return switch (String.valueOf(reply.getFirst())) {
            case "ok" -> new SessionViews.Rotated(token, Instant.ofEpochMilli((Long) reply.get(1)));
            case "implicit" -> throw new ApiErrorException(ApiError.of(ErrorCode.IMPLICIT_SESSION,
                    "An implicit session has no affinity token to rotate."));
            default -> throw new ApiErrorException(Errors.sessionNotFound());
        };
    }

    /** Closes the session: token, binding and reservations go; a 404 when there is none. */
    void close(String tenant, Assertion caller, String sessionId) {
        requireOwnerOrAdmin(require(tenant, sessionId), caller);
        Long closed = scripts.run(CLOSE, tenant, List.of(), sessionId);
        if (closed == null || closed == 0) {
            throw new ApiErrorException(Errors.sessionNotFound());
        }
    }

    private SessionRecord resolveToken(String tenant, String token) {
        List<?> reply = AffinityTokens.isWellFormed(token)
                ? scripts.run(RESOLVE, tenant, List.of(RedisKeys.token(AffinityTokens.hash(token))))
                : null;
        if (reply == null || reply.isEmpty() || reply.getFirst() == null) {
            throw new ApiErrorException(Errors.sessionNotFound());
        }
        return SessionRecord.fromReply(String.valueOf(reply.getFirst()), reply, 1);
    }

    /**
     * Within a tenant, only the subject that created a session, or a holder of {@value #ADMIN_SCOPE}, may close or
     * rotate it. A session created without a subject (a token without {@code sub}) is anyone's of its tenant.
     */
    private static void requireOwnerOrAdmin(SessionRecord session, Assertion caller) {
        if (session.owner() != null && !session.owner().equals(caller.subject()) && !caller.hasScope(ADMIN_SCOPE)) {
            throw new ApiErrorException(ApiError.of(ErrorCode.NOT_SESSION_OWNER,
                    "Only the subject that created the session, or a holder of " + ADMIN_SCOPE + ", may change it."));
        }
    }

    private static void putOwner(Map<String, String> fields, @Nullable String owner) {
        if (owner != null && !owner.isBlank()) {
            fields.put("o", owner);
        }
    }

    private SessionRecord openImplicit(String tenant, @Nullable String caller, String affinity,
            @Nullable String workflow) {
        TenantDefaults defaults = properties.defaultsFor(tenant);
        String implicitHash = AffinityTokens.implicitHash(tenant, affinity);
        Map<String, String> fields = new LinkedHashMap<>();
        putOwner(fields, caller);
        if (workflow != null) {
            fields.put("w", workflow);
        }
        fields.put("d", implicitDataClass(defaults));
        fields.put("k", implicitHash);
        SessionRecord.putBudgets(fields, implicitBudgets(defaults));
        Duration ttl = defaults.ttl();
        return open(tenant, RedisKeys.implicit(implicitHash), Math.max(1, ttl.toSeconds()), fields);
    }

    /**
     * What the tenant's implicit sessions get when they open: the class of their data and whether they have limits,
     * from the same defaults {@link #resolve} opens them with.
     */
    io.warmpath.contracts.sessions.TenantDefaults implicitDefaults(String tenant) {
        TenantDefaults defaults = properties.defaultsFor(tenant);
        return new io.warmpath.contracts.sessions.TenantDefaults(tenant,
                DataClass.fromWire(implicitDataClass(defaults)), implicitBudgets(defaults).limited());
    }

    /** The tenant's configured class (checked at startup), else internal. */
    private static String implicitDataClass(TenantDefaults defaults) {
        return defaults.dataClass() == null ? CreateSessionRequest.DEFAULT_DATA_CLASS : defaults.dataClass();
    }

    private static Budgets implicitBudgets(TenantDefaults defaults) {
        return new Budgets(defaults.maxContextTokens(), defaults.maxGrowthTokensPerTurn(), defaults.maxTotalTokens(),
                defaults.maxCostUsd());
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
