package io.warmpath.inference.session;

import java.net.ConnectException;
import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelOption;
import io.warmpath.contracts.errors.ErrorBody;
import io.warmpath.contracts.errors.ErrorCode;
import io.warmpath.contracts.sessions.Checkpoint;
import io.warmpath.contracts.sessions.RecordedTurn;
import io.warmpath.contracts.sessions.Reservation;
import io.warmpath.contracts.sessions.ReservationRequest;
import io.warmpath.contracts.sessions.SessionContext;
import io.warmpath.contracts.sessions.SessionServiceApi;
import io.warmpath.contracts.sessions.Settlement;
import io.warmpath.contracts.sessions.ToolSet;
import io.warmpath.contracts.sessions.ToolSetRequest;
import io.warmpath.contracts.sessions.TurnBatch;
import io.warmpath.inference.CellProperties;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import org.springframework.web.reactive.function.client.support.WebClientAdapter;
import org.springframework.web.service.invoker.HttpServiceProxyFactory;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.util.retry.Retry;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The cell's client of session-service's internal API ({@code SessionServiceApi}), each call made with the internal
 * assertion the gateway gave the request for session-service.
 * <ul>
 *   <li>{@link #reserve} fails closed: anything but a grant or a refusal (400, 404, 429) becomes
 *       {@link SessionServiceUnavailableException}, so the engine is never called on an unchecked budget; a request
 *       without an assertion for session-service never reaches it.</li>
 *   <li>A reserve that timed out, failed with an unexpected answer or was cancelled (the client left) may still have
 *       been applied, and the cell never learnt its id: it is released by its request id in the background, so the
 *       hold does not sit until it expires.</li>
 *   <li>A session without limits reserves nothing: {@link TurnLedger} adds its turns to the ledger afterwards,
 *       through {@link #recordAll}.</li>
 *   <li>{@link #settle}, {@link #recordAll} and {@link #release} run in the background: they never delay a response,
 *       are retried a couple of times, and a final failure is counted (the reservation then expires at
 *       session-service).</li>
 * </ul>
 * Session ids end up in URLs, so failures are logged by status or exception type only, never by message or URL.
 */
@Component
public class SessionBudgetClient {

    private static final Logger log = LoggerFactory.getLogger(SessionBudgetClient.class);

    static final String RESERVATIONS = "warmpath.inference.reservations";
    static final String FOLLOW_UP_FAILURES = "warmpath.inference.settlement.failures";

    private static final int FOLLOW_UP_RETRIES = 2;
    private static final Duration FOLLOW_UP_BACKOFF = Duration.ofMillis(100);

    private final SessionServiceApi sessions;
    private final Duration timeout;
    private final MeterRegistry registry;
    private final JsonMapper json;

    SessionBudgetClient(CellProperties cell, MeterRegistry registry, JsonMapper json) {
        this.timeout = cell.sessionsTimeout();
        this.registry = registry;
        this.json = json;
        // Its own client, not a bean: the engine's WebClient stays the only one to inject, and this one's timeouts
        // are far shorter because a reservation sits in front of every turn of a session.
        HttpClient httpClient = HttpClient.create()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.toIntExact(Math.max(1, timeout.toMillis())))
                .responseTimeout(timeout);
        WebClient webClient = WebClient.builder()
                .baseUrl(cell.sessionsUrl().toString())
                .clientConnector(new ReactorClientHttpConnector(httpClient))
                .build();
        this.sessions = HttpServiceProxyFactory.builderFor(WebClientAdapter.create(webClient)).build()
                .createClient(SessionServiceApi.class);
    }

    /**
     * Reserves budget for one request of a session.
     *
     * @param sessionId the session, as the request's assertion names it
     * @param assertion the request's assertion for session-service
     * @return the reservation; or an error: {@link ReservationRefusedException} (400 context limit, 429 budget,
     *         404 session closed or unknown) or {@link SessionServiceUnavailableException} (no assertion,
     *         unreachable, timeout, any other status)
     */
    public Mono<Reservation> reserve(String sessionId, @Nullable String assertion, ReservationRequest request) {
        if (assertion == null) {
            count("unavailable");
            return Mono.error(new SessionServiceUnavailableException(
                    "No assertion for session-service came with the request", null, false));
        }
        return Mono.defer(() -> sessions.reserve(bearer(assertion), sessionId, request))
                .filter(reservation -> reservation.reservationId() != null)
                .switchIfEmpty(Mono.error(() -> new SessionServiceUnavailableException(
                        "Session service granted a reservation without an id", null)))
                .timeout(timeout)
                .onErrorMap(WebClientResponseException.class, this::reservationFailure)
                .doOnError(failure -> {
                    if (mayHaveReserved(failure)) {
                        releaseByRequest(sessionId, request.requestId(), assertion);
                    }
                })
                .doOnCancel(() -> releaseByRequest(sessionId, request.requestId(), assertion))
                .onErrorMap(failure -> !(failure instanceof ReservationRefusedException
                                || failure instanceof SessionServiceUnavailableException),
                        failure -> new SessionServiceUnavailableException(
                                "Session service unreachable: " + failure.getClass().getSimpleName(), failure))
                .doOnNext(granted -> count("reserved"))
                .doOnError(ReservationRefusedException.class, refused -> count(switch (refused.status()) {
                    case 429 -> "refused_budget";
                    case 404 -> "session_not_found";
                    default -> "refused_context";
                }))
                .doOnError(SessionServiceUnavailableException.class, unavailable -> {
                    count("unavailable");
                    log.warn("Reservation failed closed: {}", unavailable.getMessage());
                });
    }

    /**
     * The session's tool set (decided by session-service on the session's first turn with tools). Any failure is an
     * error, for the caller to send the turn untrimmed: trimming saves tokens, it guards nothing.
     */
    public Mono<ToolSet> toolSet(String sessionId, String assertion, List<String> offered) {
        return Mono.defer(() -> sessions.toolSet(bearer(assertion), sessionId, new ToolSetRequest(offered)))
                .timeout(timeout);
    }

    /** The session's context policy, limit and latest checkpoint; any failure is an error for the caller to judge. */
    public Mono<SessionContext> context(String sessionId, String assertion) {
        return Mono.defer(() -> sessions.context(bearer(assertion), sessionId)).timeout(timeout);
    }

    /** Stores a new checkpoint; answers the session's checkpoint after the call (a newer one may have won). */
    public Mono<Checkpoint> storeCheckpoint(String sessionId, String assertion, Checkpoint checkpoint) {
        return Mono.defer(() -> sessions.checkpoint(bearer(assertion), sessionId, checkpoint)).timeout(timeout);
    }

    /** Replaces a reservation by actual usage; in the background. */
    public void settle(Reservation reservation, String assertion, Settlement settlement) {
        followUp("settle", Mono.defer(() -> sessions.settle(bearer(assertion), reservation.reservationId(),
                settlement)));
    }

    /**
     * Records turns of sessions without limits, which reserved nothing, in one call for one tenant (made with the
     * assertion of one of its turns), idempotent by each turn's request id, so the retries of a lost answer count
     * each turn once. Sent when subscribed; completes once acknowledged or given up on.
     */
    Mono<Void> recordAll(String assertion, List<RecordedTurn> turns) {
        return delivered("record", Mono.defer(() -> sessions.record(bearer(assertion), new TurnBatch(turns))));
    }

    /** Gives a reservation back unused (the request failed before usage was known); in the background. */
    public void release(Reservation reservation, String assertion) {
        followUp("release", Mono.defer(() -> sessions.release(bearer(assertion), reservation.reservationId())));
    }

    /** Gives back whatever a reserve whose answer never arrived may hold; in the background. */
    private void releaseByRequest(String sessionId, @Nullable String requestId, String assertion) {
        if (requestId != null) {
            followUp("release", Mono.defer(() -> sessions.releaseByRequest(bearer(assertion), sessionId,
                    requestId)));
        }
    }

    /** A refusal reserved nothing, and neither did a reserve that never connected; anything else may have. */
    private static boolean mayHaveReserved(Throwable failure) {
        if (failure instanceof ReservationRefusedException
                || failure instanceof SessionServiceUnavailableException unavailable && !unavailable.mayHaveReserved()) {
            return false;
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException) {
                return false;
            }
        }
        return true;
    }

    private RuntimeException reservationFailure(WebClientResponseException answered) {
        int status = answered.getStatusCode().value();
        ErrorBody.Detail error = errorOf(answered.getResponseBodyAsByteArray());
        if (status == 400 || status == 404 || status == 429) {
            return refusal(status, error);
        }
        if (status == 503) {
            // Shed for load before anything ran: there is no hold to release.
            boolean shed = error != null && ErrorCode.SESSION_SERVICE_OVERLOADED.code().equals(error.codeText());
            return new SessionServiceUnavailableException("Session service answered status 503", null, !shed);
        }
        return new SessionServiceUnavailableException("Session service answered status " + status, null);
    }

    /** Session-service's OpenAI error, kept as it is; a missing part falls back to what the status means. */
    private static ReservationRefusedException refusal(int status, ErrorBody.@Nullable Detail error) {
        String message = error != null && error.message() != null ? error.message() : switch (status) {
            case 429 -> "The session's budget does not cover this request";
            case 404 -> "The session does not exist or has been closed";
            default -> "The request exceeds the session's context limits";
        };
        String code = error != null && error.codeText() != null ? error.codeText() : switch (status) {
            case 429 -> ErrorCode.BUDGET_EXCEEDED.code();
            case 404 -> ErrorCode.SESSION_NOT_FOUND.code();
            default -> ErrorCode.CONTEXT_LENGTH_EXCEEDED.code();
        };
        String type = error != null && error.type() != null ? error.type() : "invalid_request_error";
        return new ReservationRefusedException(status, message, type, code);
    }

    private ErrorBody.@Nullable Detail errorOf(byte[] body) {
        try {
            return json.readValue(body, ErrorBody.class).error();
        }
        catch (JacksonException notAnError) {
            return null;
        }
    }

    private void followUp(String operation, Mono<?> call) {
        delivered(operation, call).subscribe();
    }

    /** The call with its retries; completes once it is acknowledged or given up on (counted and logged). */
    private Mono<Void> delivered(String operation, Mono<?> call) {
        return call
                // 404: already settled, released or expired; nothing is left to do.
                .onErrorResume(WebClientResponseException.NotFound.class, gone -> Mono.empty())
                .timeout(timeout)
                .retryWhen(Retry.backoff(FOLLOW_UP_RETRIES, FOLLOW_UP_BACKOFF)
                        // A 4xx will not change on a retry; everything else might.
                        .filter(failure -> !(failure instanceof WebClientResponseException answered)
                                || answered.getStatusCode().is5xxServerError()))
                .then()
                .onErrorResume(failure -> {
                    Counter.builder(FOLLOW_UP_FAILURES)
                            .description("Settlements and releases that session-service never acknowledged")
                            .tag("operation", operation)
                            .register(registry)
                            .increment();
                    Throwable cause = failure.getCause() != null && Exceptions.isRetryExhausted(failure)
                            ? failure.getCause() : failure;
                    log.warn("Reservation {} failed: {}", operation, describe(cause));
                    return Mono.empty();
                });
    }

    private void count(String outcome) {
        Counter.builder(RESERVATIONS)
                .description("Budget reservations at session-service, by outcome")
                .tag("outcome", outcome)
                .register(registry)
                .increment();
    }

    private static String bearer(String assertion) {
        return "Bearer " + assertion;
    }

    private static String describe(Throwable failure) {
        return failure instanceof WebClientResponseException answered
                ? "status " + answered.getStatusCode().value()
                : failure.getClass().getSimpleName();
    }
}
