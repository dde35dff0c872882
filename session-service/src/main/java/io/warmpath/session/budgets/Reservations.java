package io.warmpath.session.budgets;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

import io.warmpath.contracts.WireNames;
import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ApiErrorException;
import io.warmpath.contracts.errors.ErrorCode;
import io.warmpath.contracts.sessions.ModelRoute;
import io.warmpath.contracts.sessions.RecordedTurn;
import io.warmpath.contracts.sessions.Reservation;
import io.warmpath.contracts.sessions.ReservationRequest;
import io.warmpath.contracts.sessions.SettleResult;
import io.warmpath.contracts.sessions.Settlement;
import io.warmpath.contracts.sessions.TurnBatch;
import io.warmpath.contracts.sessions.TurnResult;
import io.warmpath.contracts.sessions.TurnResults;
import io.warmpath.contracts.sessions.WireFormats;
import io.warmpath.contracts.Ids;
import io.warmpath.session.SessionProperties;
import io.warmpath.session.Usd;
import io.warmpath.session.redis.RedisKeys;
import io.warmpath.session.redis.SessionScripts;
import io.warmpath.session.tools.ToolTrimming;
import io.warmpath.session.sessions.Sessions;
import io.warmpath.session.web.Errors;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Service;

/**
 * Reserve, settle and release, each one Lua script. A reservation holds prompt + max_tokens and their estimated
 * cost against the session's budgets until it is settled (replaced by the actual usage), released, or reclaimed by
 * a later reserve once {@code warmpath.session.reservation-ttl} has passed.
 */
@Service
class Reservations {

    static final String ID_PREFIX = "rsv_";
    static final String TURN_PREFIX = "trn_";
    private static final char SESSION_SEPARATOR = '.';

    /**
     * How long a reservation's record outlives its hold, so that a late settle still counts and stays idempotent. The
     * hold itself does not depend on the record: its amounts are in the session's reservation set (see reserve.lua).
     */
    private static final Duration RECORD_GRACE = Duration.ofHours(1);

    private static final RedisScript<List> RESERVE = SessionScripts.load("reserve", List.class);
    private static final RedisScript<List> SETTLE = SessionScripts.load("settle", List.class);
    private static final RedisScript<Long> RELEASE = SessionScripts.load("release", Long.class);
    private static final RedisScript<Long> RELEASE_REQUEST = SessionScripts.load("release_request", Long.class);
    private static final RedisScript<String> RECORD = SessionScripts.load("record", String.class);

    private static final Pattern REQUEST_ID = Pattern.compile(WireFormats.REQUEST_ID);

    private final SessionScripts scripts;
    private final StringRedisTemplate redis;
    private final PriceTable prices;
    private final SessionProperties properties;
    private final Validator validator;
    private final ReservationMetrics metrics;
    private final ToolTrimming toolTrimming;

    Reservations(SessionScripts scripts, StringRedisTemplate redis, PriceTable prices, SessionProperties properties,
            ReservationMetrics metrics, Validator validator, ToolTrimming toolTrimming) {
        this.toolTrimming = toolTrimming;
        this.validator = validator;
        this.scripts = scripts;
        this.redis = redis;
        this.prices = prices;
        this.properties = properties;
        this.metrics = metrics;
    }

    /** A reservation for a validated request. */
    Reservation reserve(String tenant, String sessionId, ReservationRequest request) {
        if (!Ids.isValid(Sessions.ID_PREFIX, sessionId)) {
            throw new ApiErrorException(Errors.sessionNotFound());
        }
        String reservationId = request.requestId() == null ? reservationId(Ids.random(ID_PREFIX), sessionId)
                : reservationIdOf(sessionId, request.requestId());
        long tokens = request.prompt() + request.completionLimit();
        long cost = prices.estimateNanos(request.model(), request.prompt(), request.completionLimit());
        long expiresAt = scripts.nowMillis() + properties.reservationTtl().toMillis();
        List<?> reply = scripts.runReplicated(RESERVE, tenant, List.of(RedisKeys.session(sessionId)), sessionId,
                reservationId, request.prompt(), tokens, cost, expiresAt, recordTtlMillis(), request.model());
        String outcome = String.valueOf(reply.getFirst());
        if (outcome.equals("admitted")) {
            metrics.admitted();
            return new Reservation(reservationId, (Long) reply.get(1), Usd.fromNanos((Long) reply.get(2)),
                    Instant.ofEpochMilli((Long) reply.get(3)));
        }
        throw new ApiErrorException(refusal(outcome, reply, request.model()));
    }

    private static String breakSection(Settlement usage) {
        return usage.prefixBreak() == null ? "" : usage.prefixBreak().section();
    }

    /** As the scripts count it: {@code applied:<tokens removed>}, {@code mismatch:0}, or {@code ""}. */
    private static String checkpointUse(Settlement usage) {
        if (usage.checkpointUse() == null) {
            return "";
        }
        return usage.checkpointUse().applied() ? "applied:" + usage.checkpointUse().tokensRemoved()
                : usage.checkpointUse().mismatch() ? "mismatch:0" : "";
    }

    /** As the scripts count it: {@code <model> <alternative> <saving nano-USD>}, or {@code ""}. */
    private static String modelRoute(Settlement usage) {
        ModelRoute route = usage.modelRoute();
        return route == null ? "" : route.model() + " " + route.alternative() + " "
                + Math.round(route.savingUsd() * 1_000_000_000L);
    }

    private static long breakPosition(Settlement usage) {
        return usage.prefixBreak() == null ? 0 : usage.prefixBreak().tokenPosition();
    }

    /** Settles with a validated usage. */
    SettleResult settle(String tenant, String reservationId, Settlement request) {
        String sessionId = sessionOf(reservationId);
        if (sessionId == null) {
            throw reservationNotFound();
        }
        String model = request.model() != null ? request.model()
                : (String) redis.opsForHash().get(RedisKeys.reservation(sessionId, reservationId), "m");
        long cost = model == null ? 0 : prices.actualNanos(model, request.promptTokens(), request.cached(),
                request.completionTokens());
        List<?> reply = scripts.runReplicated(SETTLE, tenant, List.of(RedisKeys.session(sessionId)), sessionId,
                reservationId, request.promptTokens(), request.cached(), request.completionTokens(), cost,
                request.ttftMs(), properties.ttftSamples(), breakSection(request), breakPosition(request),
                request.trimmedToolTokens(), checkpointUse(request), modelRoute(request));
        return switch (String.valueOf(reply.getFirst())) {
            case "settled" -> {
                toolTrimming.recordUse(tenant, sessionId, request.toolUse());
                yield new SettleResult(reservationId, SettleResult.SETTLED);
            }
            case "already_settled" -> new SettleResult(reservationId, SettleResult.ALREADY_SETTLED);
            case "released" -> throw new ApiErrorException(ApiError.of(ErrorCode.RESERVATION_RELEASED,
                    "The reservation was released; there is nothing to settle."));
            default -> throw reservationNotFound();
        };
    }

    /**
     * Records a served turn of a session without limits, which reserved nothing. Its usage counts whatever limits
     * the session has: a turn that skipped the reservation it needed is still paid for, and the next reserve sees it.
     * The turn's marker, which makes a retried call harmless, lives for {@code warmpath.session.reservation-ttl}.
     */
    private TurnResult record(String tenant, RecordedTurn turn) {
        String problem = firstProblem(turn);
        if (problem != null) {
            return new TurnResult(null, TurnResult.INVALID_REQUEST, problem);
        }
        Settlement usage = turn.usage();
        String sessionId = turn.sessionId();
        if (!Ids.isValid(Sessions.ID_PREFIX, sessionId)) {
            return new TurnResult(null, TurnResult.SESSION_NOT_FOUND, "No such session.");
        }
        String turnId = Ids.derived(TURN_PREFIX, sessionId, turn.requestId());
        long cost = prices.actualNanos(usage.model(), usage.promptTokens(), usage.cached(), usage.completionTokens());
        String outcome = scripts.runReplicated(RECORD, tenant, List.of(RedisKeys.session(sessionId)), sessionId,
                turnId, properties.reservationTtl().toMillis(), usage.promptTokens(), usage.cached(),
                usage.completionTokens(), cost, usage.ttftMs(), properties.ttftSamples(), breakSection(usage),
                breakPosition(usage), usage.trimmedToolTokens(), checkpointUse(usage), modelRoute(usage));
        return switch (String.valueOf(outcome)) {
            case "recorded" -> {
                metrics.recorded();
                toolTrimming.recordUse(tenant, sessionId, usage.toolUse());
                yield new TurnResult(turnId, TurnResult.RECORDED, null);
            }
            case "already_recorded" -> new TurnResult(turnId, TurnResult.ALREADY_RECORDED, null);
            default -> new TurnResult(null, TurnResult.SESSION_NOT_FOUND, "No such session.");
        };
    }

    /**
     * Records each turn of a validated batch as a settle would count it; a turn that is invalid or names an unknown
     * session gets its own result and does not stop the others.
     */
    TurnResults recordAll(String tenant, TurnBatch batch) {
        List<TurnResult> results = new ArrayList<>();
        for (RecordedTurn turn : batch.turns()) {
            results.add(turn == null ? new TurnResult(null, TurnResult.INVALID_REQUEST, "A turn must be an object.")
                    : record(tenant, turn));
        }
        return new TurnResults(results);
    }

    /** What is wrong with a turn, as "'field' problem."; {@code null} when nothing is. */
    private String firstProblem(RecordedTurn turn) {
        List<ConstraintViolation<?>> violations = new ArrayList<>(validator.validate(turn));
        violations.addAll(validator.validate(turn.usage()));
        return violations.stream()
                .min(Comparator.comparing(violation -> violation.getPropertyPath().toString()))
                .map(violation -> "'" + WireNames.of(violation.getPropertyPath().toString()) + "' "
                        + violation.getMessage() + ".")
                .orElse(null);
    }

    void release(String tenant, String reservationId) {
        String sessionId = sessionOf(reservationId);
        Long released = sessionId != null
                ? scripts.runReplicated(RELEASE, tenant, List.of(RedisKeys.session(sessionId)), sessionId,
                        reservationId)
                : null;
        if (released == null || released == 0) {
            throw reservationNotFound();
        }
    }

    /**
     * Releases the reservation that {@code requestId} produced on the session, for a caller whose reserve call timed
     * out or was cancelled before it learned the reservation id. When the reserve has not arrived yet, the request id
     * is marked released (a late reserve with it is refused as {@code request_id_reused}) and the answer is a 404.
     */
    void releaseByRequest(String tenant, String sessionId, String requestId) {
        if (!REQUEST_ID.matcher(requestId).matches()) {
            throw new ApiErrorException(ApiError.invalidField("request_id", "must be 1 to 128 printable ASCII "
                    + "characters"));
        }
        Long released = Ids.isValid(Sessions.ID_PREFIX, sessionId)
                ? scripts.runReplicated(RELEASE_REQUEST, tenant, List.of(RedisKeys.session(sessionId)), sessionId,
                        reservationIdOf(sessionId, requestId), recordTtlMillis())
                : null;
        if (released == null || released == 0) {
            throw reservationNotFound();
        }
    }

    /** The same request id on the same session always names the same reservation. */
    private static String reservationIdOf(String sessionId, String requestId) {
        return reservationId(Ids.derived(ID_PREFIX, sessionId, requestId), sessionId);
    }

    /**
     * Reservation ids name their session after a dot ({@code rsv_<26>.ses_<26>}): settle and release find the
     * session's keys, and on Redis Cluster its slot, from the id alone.
     */
    private static String reservationId(String id, String sessionId) {
        return id + SESSION_SEPARATOR + sessionId;
    }

    /** The session a well-formed reservation id names; {@code null} for anything else. */
    static @Nullable String sessionOf(String reservationId) {
        int separator = reservationId.indexOf(SESSION_SEPARATOR);
        if (separator < 0) {
            return null;
        }
        String sessionId = reservationId.substring(separator + 1);
        return Ids.isValid(ID_PREFIX, reservationId.substring(0, separator))
                && Ids.isValid(Sessions.ID_PREFIX, sessionId) ? sessionId : null;
    }

    private long recordTtlMillis() {
        return properties.reservationTtl().plus(RECORD_GRACE).toMillis();
    }

    private ApiError refusal(String limit, List<?> reply, String model) {
        return switch (limit) {
            case "max_context_tokens" -> {
                metrics.contextExceeded();
                yield ApiError.of(ErrorCode.CONTEXT_LENGTH_EXCEEDED, "The prompt has " + reply.get(2)
                        + " tokens, over the session's max_context_tokens of " + reply.get(1) + ".");
            }
            case "max_growth_tokens_per_turn" -> {
                metrics.contextExceeded();
                yield ApiError.of(ErrorCode.CONTEXT_GROWTH_EXCEEDED, "The prompt grew by " + reply.get(2)
                        + " tokens over the previous turn's " + reply.get(3)
                        + ", over the session's max_growth_tokens_per_turn of " + reply.get(1) + ".");
            }
            case "max_total_tokens" -> {
                metrics.budgetExceeded();
                yield ApiError.of(ErrorCode.BUDGET_EXCEEDED, "This request needs up to " + reply.get(3) + " tokens; the session "
                        + "has used or reserved " + reply.get(2) + " of its max_total_tokens of " + reply.get(1) + ".");
            }
            case "max_cost_usd" -> {
                metrics.budgetExceeded();
                yield ApiError.of(ErrorCode.BUDGET_EXCEEDED, "This request may cost up to "
                        + Usd.fromNanos((Long) reply.get(3)).toPlainString() + " USD; the session has used or "
                        + "reserved " + Usd.fromNanos((Long) reply.get(2)).toPlainString() + " of its max_cost_usd of "
                        + Usd.fromNanos((Long) reply.get(1)).toPlainString() + ".");
            }
            case "request_id_reused" -> ApiError.of(ErrorCode.REQUEST_ID_REUSED, "The request_id belongs to a "
                    + "reservation that was already settled, released or expired; use a new request_id.");
            case "model_not_priced" -> ApiError.of(ErrorCode.MODEL_NOT_PRICED, "The session has a "
                    + "max_cost_usd budget but the model '" + model + "' has no price configured.");
            default -> Errors.sessionNotFound();
        };
    }

    private static ApiErrorException reservationNotFound() {
        return new ApiErrorException(ApiError.of(ErrorCode.RESERVATION_NOT_FOUND, "No such reservation."));
    }
}
