package io.warmpath.session.budgets;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

import io.warmpath.session.web.ApiError;
import io.warmpath.session.web.ApiErrorException;
import org.jspecify.annotations.Nullable;

/** The JSON shapes of the reservation endpoints (snake_case on the wire). */
final class ReservationViews {

    private static final Pattern MODEL = Pattern.compile("[A-Za-z0-9._:/@-]{1,128}");
    private static final Pattern REQUEST_ID = Pattern.compile("[\\x21-\\x7e]{1,128}");

    private ReservationViews() {
    }

    /**
     * Body of {@code POST /internal/sessions/{id}/reservations}.
     *
     * @param requestId    optional; the same id on the same session gives back the same reservation (safe retries)
     * @param model        the model the request runs on (prices the estimate)
     * @param promptTokens the exact prompt size, as the engine tokenizes it
     * @param maxTokens    the most completion tokens the request may produce
     */
    record ReserveRequest(@Nullable String requestId, @Nullable String model, @Nullable Long promptTokens,
            @Nullable Long maxTokens) {

        ReserveRequest validated() {
            if (requestId != null) {
                requireRequestId(requestId);
            }
            requireModel(model);
            requireCount("prompt_tokens", promptTokens);
            requireCount("max_tokens", maxTokens);
            return this;
        }
    }

    /** Answer to an admitted reservation. */
    record Reservation(String reservationId, long tokens, BigDecimal costUsd, Instant expiresAt) {
    }

    /**
     * Body of {@code POST /internal/reservations/{rid}/settle}.
     *
     * @param promptTokens     prompt tokens as the engine counted them
     * @param cachedTokens     of those, served from the prefix cache (default 0)
     * @param completionTokens completion tokens
     * @param ttftMs           time to first token, for the session's p50/p95; optional
     * @param cellId           the cell that served the turn; informational
     * @param model            prices the turn; defaults to the reservation's model
     */
    record SettleRequest(@Nullable Long promptTokens, @Nullable Long cachedTokens, @Nullable Long completionTokens,
            @Nullable Long ttftMs, @Nullable String cellId, @Nullable String model) {

        SettleRequest validated() {
            requireCount("prompt_tokens", promptTokens);
            requireCount("completion_tokens", completionTokens);
            long cached = cachedTokens == null ? 0 : cachedTokens;
            if (cached < 0 || cached > promptTokens) {
                throw invalid("cached_tokens", "must be between 0 and prompt_tokens");
            }
            if (ttftMs != null && ttftMs < 0) {
                throw invalid("ttft_ms", "must not be negative");
            }
            if (model != null) {
                requireModel(model);
            }
            return new SettleRequest(promptTokens, cached, completionTokens, ttftMs, cellId, model);
        }
    }

    /** Answer to a settle: {@code settled}, or {@code already_settled} for a repeated call (nothing changed). */
    record Settled(String reservationId, String status) {
    }

    /**
     * A served turn of a session without limits, which reserved nothing: the fields of a settle, plus the request id
     * that makes recording it idempotent.
     *
     * @param requestId the cell's id for the request; the same id on the same session is recorded once
     * @param model     prices the turn; required, as there is no reservation to take it from
     */
    record TurnRequest(@Nullable String requestId, @Nullable Long promptTokens, @Nullable Long cachedTokens,
            @Nullable Long completionTokens, @Nullable Long ttftMs, @Nullable String cellId,
            @Nullable String model) {

        /** The request id and model checked; the usage as a settle checks it. */
        SettleRequest validatedUsage() {
            requireRequestId(requestId == null ? "" : requestId);
            requireModel(model);
            return new SettleRequest(promptTokens, cachedTokens, completionTokens, ttftMs, cellId, model).validated();
        }
    }

    /** A recorded turn: {@code recorded}, or {@code already_recorded} for a repeated one. */
    record Recorded(String turnId, String status) {
    }

    /**
     * Body of {@code POST /internal/turns}: turns of sessions without limits, from one cell and one tenant, sent
     * together so that a busy cell makes one call every few milliseconds instead of one per turn.
     */
    record TurnBatch(@Nullable List<BatchedTurn> turns) {

        static final int MAX_TURNS = 1000;

        List<BatchedTurn> validated() {
            if (turns == null || turns.isEmpty() || turns.size() > MAX_TURNS) {
                throw invalid("turns", "must hold 1 to " + MAX_TURNS + " turns");
            }
            return turns;
        }
    }

    /** One turn of a {@link TurnBatch}: the session it belongs to and the fields of {@link TurnRequest}. */
    record BatchedTurn(@Nullable String sessionId, @Nullable String requestId, @Nullable Long promptTokens,
            @Nullable Long cachedTokens, @Nullable Long completionTokens, @Nullable Long ttftMs,
            @Nullable String cellId, @Nullable String model) {

        TurnRequest turn() {
            return new TurnRequest(requestId, promptTokens, cachedTokens, completionTokens, ttftMs, cellId, model);
        }
    }

    /**
     * Answer to a batch: one result per turn, in order. {@code status} is {@code recorded}, {@code already_recorded},
     * {@code session_not_found} or {@code invalid_request} (then {@code message} says why).
     */
    record BatchResults(List<BatchResult> results) {
    }

    record BatchResult(@Nullable String turnId, String status, @Nullable String message) {
    }

    static void requireRequestId(String requestId) {
        if (!REQUEST_ID.matcher(requestId).matches()) {
            throw invalid("request_id", "must be 1 to 128 printable ASCII characters");
        }
    }

    private static void requireModel(@Nullable String model) {
        if (model == null || !MODEL.matcher(model).matches()) {
            throw invalid("model", "is required and must match [A-Za-z0-9._:/@-]{1,128}");
        }
    }

    private static void requireCount(String field, @Nullable Long value) {
        // Below 2^31 per request keeps every sum far inside the exact range of Lua's doubles.
        if (value == null || value < 0 || value > Integer.MAX_VALUE) {
            throw invalid(field, "is required and must be a whole number from 0 to " + Integer.MAX_VALUE);
        }
    }

    private static ApiErrorException invalid(String field, String problem) {
        return new ApiErrorException(ApiError.invalidField(field, problem));
    }
}
