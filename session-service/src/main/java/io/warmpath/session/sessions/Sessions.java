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
import io.warmpath.contracts.Ids;
import io.warmpath.session.SessionProperties.TenantDefaults;
import io.warmpath.session.SessionProperties;
import io.warmpath.session.redis.RedisKeys;
import io.warmpath.session.redis.SessionLookups;
import io.warmpath.session.redis.SessionScripts;
import io.warmpath.session.web.Errors;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.QueryTimeoutException;
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
    /** The session hash's fields that a lookup must match: the token hash, the implicit key's hash. */
    private static final String TOKEN_HASH = "h";
    private static final String IMPLICIT_HASH = "k";

    private static final RedisScript<List> OPEN = SessionScripts.load("open", List.class);
    private static final RedisScript<List> RESOLVE = SessionScripts.load("resolve", List.class);
    private static final RedisScript<List> ROTATE = SessionScripts.load("rotate", List.class);
    private static final RedisScript<List> CLOSE = SessionScripts.load("close", List.class);

    /** How many times a first turn of an implicit session looks again after losing the race to open it. */
    private static final int IMPLICIT_OPEN_ATTEMPTS = 3;

    private final SessionScripts scripts;
    private final SessionLookups lookups;
    private final StringRedisTemplate redis;
    private final SessionProperties properties;
    private final SessionMetrics metrics;
    private final ImplicitSessionCap cap;

    Sessions(SessionScripts scripts, SessionLookups lookups, StringRedisTemplate redis, SessionProperties properties,
            SessionMetrics metrics, ImplicitSessionCap cap) {
        this.cap = cap;
        this.scripts = scripts;
        this.lookups = lookups;
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
        if (request.recordsTranscript()) {
            fields.put(SessionRecord.RECORD_TRANSCRIPT, "1");
        }
        if (request.checkpoints()) {
            fields.put(SessionRecord.CONTEXT_POLICY, SessionRecord.CHECKPOINT_POLICY);
        }
        SessionRecord.putBudgets(fields, request.budgets());
        SessionRecord session = open(tenant, request.ttlSeconds(), fields);
        // A fresh random token: nothing else can hold its lookup key.
        lookups.point(RedisKeys.token(tokenHash), null, session.id(), Duration.ofSeconds(session.ttlSeconds()));
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
        List<?> reply = scripts.run(ROTATE, tenant, List.of(RedisKeys.session(sessionId)), sessionId, tokenHash);
        return switch (String.valueOf(reply.getFirst())) {
            case "ok" -> {
                Instant expiresAt = Instant.ofEpochMilli((Long) reply.get(1));
                lookups.point(RedisKeys.token(tokenHash), null, sessionId,
                        Duration.between(Instant.ofEpochMilli(scripts.nowMillis()), expiresAt));
                lookups.remove(RedisKeys.token(String.valueOf(reply.get(2))), sessionId);
                yield new SessionViews.Rotated(token, expiresAt);
            }
            case "implicit" -> throw new ApiErrorException(ApiError.of(ErrorCode.IMPLICIT_SESSION,
                    "An implicit session has no affinity token to rotate."));
            default -> throw new ApiErrorException(Errors.sessionNotFound());
        };
    }

    /** Closes the session: token, binding and reservations go; a 404 when there is none. */
    void close(String tenant, Assertion caller, String sessionId) {
        requireOwnerOrAdmin(require(tenant, sessionId), caller);
        List<?> reply = scripts.run(CLOSE, tenant, List.of(RedisKeys.session(sessionId)), sessionId);
        if (!"closed".equals(String.valueOf(reply.getFirst()))) {
            throw new ApiErrorException(Errors.sessionNotFound());
        }
        String tokenHash = String.valueOf(reply.get(1));
        String implicitHash = String.valueOf(reply.get(2));
        String cell = String.valueOf(reply.get(3));
        if (!tokenHash.isEmpty()) {
            lookups.remove(RedisKeys.token(tokenHash), sessionId);
        }
        if (!implicitHash.isEmpty()) {
            lookups.remove(RedisKeys.implicit(implicitHash), sessionId);
            cap.release(tenant, sessionId);
        }
        if (!cell.isEmpty()) {
            lookups.unindex(cell, sessionId);
        }
    }

    private SessionRecord resolveToken(String tenant, String token) {
        if (!AffinityTokens.isWellFormed(token)) {
            throw new ApiErrorException(Errors.sessionNotFound());
        }
        String tokenHash = AffinityTokens.hash(token);
        String lookupKey = RedisKeys.token(tokenHash);
        return resolve(tenant, lookupKey, TOKEN_HASH, tokenHash, lookups.find(lookupKey))
                .orElseThrow(() -> new ApiErrorException(Errors.sessionNotFound()));
    }

    /**
     * The session a lookup key led to, if it is the tenant's, live, and still answers to that lookup; slides it, its
     * lookup key and its cell index entry.
     */
    private Optional<SessionRecord> resolve(String tenant, String lookupKey, String hashField, String hash,
            @Nullable String sessionId) {
        if (sessionId == null || !Ids.isValid(ID_PREFIX, sessionId)) {
            return Optional.empty();
        }
        List<?> reply = scripts.run(RESOLVE, tenant, List.of(RedisKeys.session(sessionId)), sessionId, hashField,
                hash);
        if (reply == null || reply.isEmpty()) {
            return Optional.empty();
        }
        SessionRecord session = SessionRecord.fromReply(sessionId, reply, 0);
        lookups.slide(lookupKey, Duration.ofSeconds(session.ttlSeconds()));
        if (session.binding() != null) {
            lookups.index(session.binding().cellId(), sessionId, session.expiresAt().toEpochMilli());
        }
        return Optional.of(session);
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
        long ttlSeconds = Math.max(1, defaults.ttl().toSeconds());
        String lookupKey = RedisKeys.implicit(implicitHash);
        for (int attempt = 0; attempt < IMPLICIT_OPEN_ATTEMPTS; attempt++) {
            String existing = lookups.find(lookupKey);
            Optional<SessionRecord> found = resolve(tenant, lookupKey, IMPLICIT_HASH, implicitHash, existing);
            if (found.isPresent()) {
                return found.get();
            }
            // None yet, or the key leads to a session that is gone: open one, then take the key over unless a
            // concurrent first turn did so first, whose session is then this one's too.
            String newId = Ids.random(ID_PREFIX);
            cap.claim(tenant, newId);
            SessionRecord opened;
            try {
                opened = open(tenant, newId, ttlSeconds, fields);
            } catch (RuntimeException failed) {
                cap.release(tenant, newId);
                throw failed;
            }
            if (lookups.point(lookupKey, existing, opened.id(), Duration.ofSeconds(ttlSeconds))) {
                metrics.created(true);
                return opened;
            }
            redis.delete(RedisKeys.session(opened.id()));
            cap.release(tenant, newId);
        }
        throw new QueryTimeoutException("The implicit session stayed contended for " + IMPLICIT_OPEN_ATTEMPTS
                + " attempts");
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

    /** A new session that no lookup key leads to yet. */
    private SessionRecord open(String tenant, long ttlSeconds, Map<String, String> fields) {
        return open(tenant, Ids.random(ID_PREFIX), ttlSeconds, fields);
    }

    private SessionRecord open(String tenant, String newId, long ttlSeconds, Map<String, String> fields) {
        List<Object> args = new ArrayList<>();
        args.add(newId);
        args.add(ttlSeconds);
        fields.forEach((field, value) -> {
            args.add(field);
            args.add(value);
        });
        List<?> reply = scripts.run(OPEN, tenant, List.of(RedisKeys.session(newId)), args.toArray());
        return SessionRecord.fromReply(newId, reply, 0);
    }
}
