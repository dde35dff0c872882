package io.warmpath.session.bindings;

import java.time.Instant;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ApiErrorException;
import io.warmpath.contracts.errors.ErrorCode;
import io.warmpath.contracts.sessions.BindRequest;
import io.warmpath.contracts.sessions.Binding;
import io.warmpath.contracts.sessions.BindingReason;
import io.warmpath.contracts.Ids;
import io.warmpath.session.redis.RedisKeys;
import io.warmpath.session.redis.SessionLookups;
import io.warmpath.session.redis.SessionScripts;
import io.warmpath.session.sessions.Sessions;
import io.warmpath.session.web.Errors;
import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.ZSetOperations.TypedTuple;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Service;

/**
 * Session-to-cell bindings, one script per change on the session's hash, and the per-cell index
 * ({@code wp:b:<cell>}, a sorted set scored by session expiry) that lists them by cell, kept after each change.
 */
@Service
class Bindings {

    private static final RedisScript<List> BIND = SessionScripts.load("bind", List.class);

    /** Index entries per ZSCAN round trip: a crowded cell is read in steps, never in one long Redis call. */
    private static final long SCAN_BATCH = 500;

    private final SessionScripts scripts;
    private final SessionLookups lookups;
    private final StringRedisTemplate redis;
    private final BindingMetrics metrics;

    Bindings(SessionScripts scripts, SessionLookups lookups, StringRedisTemplate redis, BindingMetrics metrics) {
        this.scripts = scripts;
        this.lookups = lookups;
        this.redis = redis;
        this.metrics = metrics;
    }

    /** Binds the tenant's session to a cell; 409 when {@code expectedEpoch} is given and stale. */
    Binding bind(String tenant, String sessionId, BindRequest request, BindingReason reason) {
        if (!Ids.isValid(Sessions.ID_PREFIX, sessionId)) {
            throw new ApiErrorException(Errors.sessionNotFound());
        }
        long now = scripts.nowMillis();
        List<?> reply = scripts.run(BIND, tenant, List.of(RedisKeys.session(sessionId)), sessionId,
                request.cellId(), request.model(), request.expectedEpoch());
        switch (String.valueOf(reply.getFirst())) {
            case "ok" -> {
                String previousCell = String.valueOf(reply.get(3));
                if (!previousCell.isEmpty() && !previousCell.equals(request.cellId())) {
                    lookups.unindex(previousCell, sessionId);
                }
                lookups.index(request.cellId(), sessionId, (Long) reply.get(4));
                metrics.bind(reason, true);
                long lastPrompt = (Long) reply.get(2);
                return new Binding(request.cellId(), request.model(), Instant.ofEpochMilli(now),
                        (Long) reply.get(1), lastPrompt < 0 ? null : lastPrompt);
            }
            case "conflict" -> {
                metrics.bind(reason, false);
                throw new ApiErrorException(ApiError.of(ErrorCode.BINDING_EPOCH_CONFLICT, "The binding changed: "
                        + "expected epoch " + request.expectedEpoch() + ", current epoch " + reply.get(1) + "."));
            }
            default -> throw new ApiErrorException(Errors.sessionNotFound());
        }
    }

    /**
     * Ids of the live sessions bound to the cell, of every tenant, sorted. Expired entries are trimmed first; bind,
     * rebind, close and every resolve keep the index, but outside the sessions' own atomic steps (on Redis Cluster
     * the index lives in another slot), so each entry is checked against its session's binding before it is listed.
     */
    List<String> sessionsOn(String cellId) {
        String index = RedisKeys.cellIndex(cellId);
        long now = scripts.nowMillis();
        redis.opsForZSet().removeRangeByScore(index, 0, now);
        SortedSet<String> live = new TreeSet<>();
        // ZSCAN returns every entry present for the whole scan at least once, even while sessions come and go.
        try (Cursor<TypedTuple<String>> entries = redis.opsForZSet().scan(index,
                ScanOptions.scanOptions().count(SCAN_BATCH).build())) {
            entries.forEachRemaining(entry -> {
                if (entry.getScore() != null && entry.getScore() > now && boundTo(entry.getValue(), cellId)) {
                    live.add(entry.getValue());
                }
            });
        }
        return List.copyOf(live);
    }

    private boolean boundTo(@Nullable String sessionId, String cellId) {
        return sessionId != null && cellId.equals(redis.opsForHash().get(RedisKeys.session(sessionId), "cell"));
    }
}
