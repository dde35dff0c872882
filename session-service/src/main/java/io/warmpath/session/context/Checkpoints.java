package io.warmpath.session.context;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.warmpath.contracts.Ids;
import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ApiErrorException;
import io.warmpath.contracts.errors.ErrorCode;
import io.warmpath.contracts.sessions.Checkpoint;
import io.warmpath.contracts.sessions.SessionContext;
import io.warmpath.session.redis.RedisKeys;
import io.warmpath.session.redis.SessionScripts;
import io.warmpath.session.sessions.SessionRecord;
import io.warmpath.session.sessions.Sessions;
import io.warmpath.session.web.Errors;
import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sessions' checkpoints, kept with the session (its hash's {@code ck}): what the session's cells need to send the
 * engine a summary instead of the oldest history, and a new checkpoint as a cell makes one. Of two cells that
 * checkpoint the same session at once, the first to store wins and the other gets its checkpoint back; a checkpoint
 * made from an older state than the session now has is never stored.
 */
@Service
public class Checkpoints {

    private static final RedisScript<List> STORE = SessionScripts.load("checkpoint", List.class);

    private final Sessions sessions;
    private final SessionScripts scripts;
    private final StringRedisTemplate redis;
    private final JsonMapper json;

    Checkpoints(Sessions sessions, SessionScripts scripts, StringRedisTemplate redis, JsonMapper json) {
        this.sessions = sessions;
        this.scripts = scripts;
        this.redis = redis;
        this.json = json;
    }

    /** The session's context policy, limit and latest checkpoint; a 404 when the tenant has no such session. */
    SessionContext context(String tenant, String sessionId) {
        SessionRecord session = sessions.require(tenant, sessionId);
        Object stored = redis.opsForHash().get(RedisKeys.session(sessionId), "ck");
        return new SessionContext(session.contextPolicy(), session.budgets().maxContextTokens(),
                stored == null ? null : json.readValue((String) stored, Checkpoint.class));
    }

    /** Stores a validated checkpoint; answers the session's checkpoint after the call. */
    Checkpoint store(String tenant, String sessionId, Checkpoint checkpoint) {
        if (!Ids.isValid(Sessions.ID_PREFIX, sessionId)) {
            throw new ApiErrorException(Errors.sessionNotFound());
        }
        Checkpoint stamped = new Checkpoint(checkpoint.coveredMessages(), checkpoint.coveredHash(),
                checkpoint.summary(), checkpoint.summaryTokens(), checkpoint.summaryUsage(), checkpoint.artifactId(),
                checkpoint.previousCovered(), Instant.ofEpochMilli(scripts.nowMillis()));
        Checkpoint.SummaryUsage usage = checkpoint.summaryUsage();
        List<?> reply = scripts.run(STORE, tenant, List.of(RedisKeys.session(sessionId)), sessionId,
                checkpoint.previousCovered(), checkpoint.coveredMessages(), json.writeValueAsString(stamped),
                usage == null ? 0 : usage.promptTokens(), usage == null ? 0 : usage.completionTokens());
        return switch (String.valueOf(reply.getFirst())) {
            case "stored" -> stamped;
            case "stale" -> current(reply).orElseThrow(() -> new IllegalStateException(
                    "a stale checkpoint without a current one"));
            case "off" -> throw new ApiErrorException(ApiError.of(ErrorCode.CHECKPOINTS_OFF,
                    "The session's context policy is not checkpoint."));
            default -> throw new ApiErrorException(Errors.sessionNotFound());
        };
    }

    /**
     * The session's checkpoints, for its usage.
     *
     * @param policy          {@code refuse} or {@code checkpoint}
     * @param count           checkpoints made
     * @param coveredMessages history messages the latest covers
     * @param lastAt          when the latest was made
     * @param turnsApplied    turns that reached the engine with a checkpoint
     * @param tokensRemoved   about how many prompt tokens checkpoints took off those turns
     * @param mismatches      turns whose history did not start with what the checkpoint covers (sent as they were)
     * @param summaryPromptTokens     tokens the summarization calls read, over all checkpoints
     * @param summaryCompletionTokens tokens of the summaries they wrote
     */
    public record Report(String policy, long count, long coveredMessages, @Nullable Instant lastAt, long turnsApplied,
            long tokensRemoved, long mismatches, long summaryPromptTokens, long summaryCompletionTokens) {
    }

    /** The session's checkpoints so far. */
    public Report report(SessionRecord session) {
        List<Object> values = redis.opsForHash().multiGet(RedisKeys.session(session.id()),
                List.<Object>of("ckc", "ckn", "ckt", "cka", "ckr", "ckm", "cksp", "cksc"));
        return new Report(session.contextPolicy(), count(values.get(0)), count(values.get(1)),
                values.get(2) == null ? null : Instant.ofEpochMilli(count(values.get(2))), count(values.get(3)),
                count(values.get(4)), count(values.get(5)), count(values.get(6)), count(values.get(7)));
    }

    private Optional<Checkpoint> current(List<?> reply) {
        return reply.size() > 1 && !String.valueOf(reply.get(1)).isEmpty()
                ? Optional.of(json.readValue(String.valueOf(reply.get(1)), Checkpoint.class))
                : Optional.empty();
    }

    private static long count(@Nullable Object value) {
        return value == null ? 0 : Long.parseLong(value.toString());
    }
}
