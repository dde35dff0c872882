package io.warmpath.session.bindings;

import java.time.Instant;
import java.util.List;

import io.warmpath.session.Ids;
import io.warmpath.session.redis.RedisKeys;
import io.warmpath.session.redis.SessionScripts;
import io.warmpath.session.sessions.Binding;
import io.warmpath.session.sessions.Sessions;
import io.warmpath.session.web.ApiError;
import io.warmpath.session.web.ApiErrorException;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Service;

/**
 * Session-to-cell bindings and the per-cell index ({@code wp:c:<cell>}), kept together by one script per change so
 * that a session is in exactly the index of the cell it is bound to.
 */
@Service
class Bindings {

    private static final RedisScript<List> BIND = SessionScripts.load("bind", List.class);
    private static final RedisScript<List> CELL_SESSIONS = SessionScripts.load("cell_sessions", List.class);

    private final SessionScripts scripts;
    private final BindingMetrics metrics;

    Bindings(SessionScripts scripts, BindingMetrics metrics) {
        this.scripts = scripts;
        this.metrics = metrics;
    }

    /** Binds the tenant's session to a cell; 409 when {@code expectedEpoch} is given and stale. */
    Binding bind(String tenant, String sessionId, BindRequest request, BindingReason reason) {
        if (!Ids.isValid(Sessions.ID_PREFIX, sessionId)) {
            throw new ApiErrorException(ApiError.sessionNotFound());
        }
        long now = scripts.nowMillis();
        List<?> reply = scripts.run(BIND, tenant, List.of(RedisKeys.session(sessionId),
                RedisKeys.cell(request.cellId())), sessionId, request.cellId(), request.model(),
                request.expectedEpoch());
        switch (String.valueOf(reply.getFirst())) {
            case "ok" -> {
                metrics.bind(reason, true);
                long lastPrompt = (Long) reply.get(2);
                return new Binding(request.cellId(), request.model(), Instant.ofEpochMilli(now),
                        (Long) reply.get(1), lastPrompt < 0 ? null : lastPrompt);
            }
            case "conflict" -> {
                metrics.bind(reason, false);
                throw new ApiErrorException(ApiError.conflict("binding_epoch_conflict", "The binding changed: "
                        + "expected epoch " + request.expectedEpoch() + ", current epoch " + reply.get(1) + "."));
            }
            default -> throw new ApiErrorException(ApiError.sessionNotFound());
        }
    }

    /** Ids of the live sessions bound to the cell, of every tenant, sorted; drops stale index entries. */
    List<String> sessionsOn(String tenant, String cellId) {
        List<?> ids = scripts.run(CELL_SESSIONS, tenant, List.of(RedisKeys.cell(cellId)), cellId);
        return ids == null ? List.of() : ids.stream().map(String::valueOf).sorted().toList();
    }
}
