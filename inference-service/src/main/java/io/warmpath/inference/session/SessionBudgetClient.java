package io.warmpath.inference.session;

import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelOption;
import io.warmpath.inference.CellProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;

import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.util.retry.Retry;

/**
 * The cell's client of session-service's reservation API ({@code /internal/**}, trusted headers).
 * <ul>
 *   <li>{@link #reserve} fails closed: anything but a grant or a refusal (400, 404, 429) becomes
 *       {@link SessionServiceUnavailableException}, so the engine is never called on an unchecked budget.</li>
 *   <li>A reserve that timed out, failed with an unexpected answer or was cancelled (the client left) may still have
 *       been applied, and the cell never learnt its id: it is released by its request id in the background
 *       ({@code DELETE /internal/sessions/{id}/reservations/by-request/{requestId}}), so the hold does not sit until
 *       it expires.</li>
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

    static final String TENANT_HEADER = "x-warmpath-tenant";
    static final String RESERVATIONS = "warmpath.inference.reservations";
    static final String FOLLOW_UP_FAILURES = "warmpath.inference.settlement.failures";

    private static final int FOLLOW_UP_RETRIES = 2;
    private static final Duration FOLLOW_UP_BACKOFF = Duration.ofMillis(100);

    private final WebClient sessions;
    private final Duration timeout;
    private final MeterRegistry registry;
    private final JsonMapper json;

    SessionBudgetClient(CellProperties cell, MeterRegistry registry, JsonMapper json) {
        this.timeout = cell.sessionsTimeout();
        this.registry = registry;
        this.json = json;
        // Its own client, not a bean: the engine's WebClient stays the only one to inject, and this one's timeouts
        // are far shorter because a reservation sits in front of every turn of a session.
        var httpClient = HttpClient.create()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.toIntExact(Math.max(1, timeout.toMillis())))
                .responseTimeout(timeout);
        this.sessions = WebClient.builder()
                .baseUrl(cell.sessionsUrl().toString())
                .clientConnector(new ReactorClientHttpConnector(httpClient))
                .build();
    }

    /**
     * Reserves budget for one request of a session.
     *
     * @param sessionId the session (from {@code x-warmpath-session})
     * @param tenant    the tenant (from {@code x-warmpath-tenant}), forwarded as is; may be null
     * @return the reservation; or an error: {@link ReservationRefusedException} (400 context limit, 429 budget,
     *         404 session closed or unknown) or {@link SessionServiceUnavailableException} (unreachable, timeout,
     *         any other status)
     */
    public Mono<Reservation> reserve(String sessionId, String tenant, ReservationRequest request) {
        return sessions.post().uri("/internal/sessions/{id}/reservations", sessionId)
                .headers(headers -> tenant(headers, tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(request)
                .exchangeToMono(this::reservationOf)
                .timeout(timeout)
                .doOnError(failure -> {
                    if (mayHaveReserved(failure)) {
                        releaseByRequest(sessionId, request.requestId(), tenant);
                    }
                })
                .doOnCancel(() -> releaseByRequest(sessionId, request.requestId(), tenant))
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

    /** Replaces a reservation by actual usage; in the background. */
    public void settle(Reservation reservation, String tenant, Settlement settlement) {
        followUp("settle", sessions.post().uri("/internal/reservations/{rid}/settle", reservation.id())
                .headers(headers -> tenant(headers, tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(settlement));
    }

    /**
     * Records turns of sessions without limits, which reserved nothing, in one call for one tenant, idempotent by each
     * turn's request id, so the retries of a lost answer count each turn once. Sent when subscribed; completes once
     * acknowledged or given up on.
     */
    Mono<Void> recordAll(String tenant, List<RecordedTurn> turns) {
        return delivered("record", sessions.post().uri("/internal/turns")
                .headers(headers -> tenant(headers, tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("turns", turns)));
    }

    /** Gives a reservation back unused (the request failed before usage was known); in the background. */
    public void release(Reservation reservation, String tenant) {
        followUp("release", sessions.delete().uri("/internal/reservations/{rid}", reservation.id())
                .headers(headers -> tenant(headers, tenant)));
    }

    /** Gives back whatever a reserve whose answer never arrived may hold; in the background. */
    private void releaseByRequest(String sessionId, String requestId, String tenant) {
        followUp("release", sessions.delete()
                .uri("/internal/sessions/{id}/reservations/by-request/{requestId}", sessionId, requestId)
                .headers(headers -> tenant(headers, tenant)));
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

    private Mono<Reservation> reservationOf(ClientResponse response) {
        HttpStatusCode status = response.statusCode();
        if (status.is2xxSuccessful()) {
            return response.bodyToMono(Reservation.class)
                    .filter(reservation -> reservation.id() != null)
                    .switchIfEmpty(Mono.error(() -> new SessionServiceUnavailableException(
                            "Session service granted a reservation without an id", null)));
        }
        if (status.value() == 400 || status.value() == 404 || status.value() == 429) {
            return response.bodyToMono(byte[].class)
                    .defaultIfEmpty(new byte[0])
                    .flatMap(body -> Mono.error(refusal(status.value(), body)));
        }
        if (status.value() == 503) {
            // Shed for load before anything ran: there is no hold to release.
            return response.bodyToMono(String.class).defaultIfEmpty("").flatMap(body -> Mono.error(
                    new SessionServiceUnavailableException("Session service answered status 503", null,
                            !body.contains("\"session_service_overloaded\""))));
        }
        return response.releaseBody().then(Mono.error(() -> new SessionServiceUnavailableException(
                "Session service answered status " + status.value(), null)));
    }

    /** Session-service's OpenAI error, kept as it is; a missing part falls back to what the status means. */
    private ReservationRefusedException refusal(int status, byte[] body) {
        JsonNode error = MissingNode.getInstance();
        try {
            error = json.readTree(body).path("error");
        }
        catch (JacksonException notJson) {
            // Fallbacks below.
        }
        String message = error.path("message").asString(switch (status) {
            case 429 -> "The session's budget does not cover this request";
            case 404 -> "The session does not exist or has been closed";
            default -> "The request exceeds the session's context limits";
        });
        String code = error.path("code").asString(switch (status) {
            case 429 -> "budget_exceeded";
            case 404 -> "session_not_found";
            default -> "context_length_exceeded";
        });
        String type = error.path("type").asString("invalid_request_error");
        return new ReservationRefusedException(status, message, type, code);
    }

    private void followUp(String operation, WebClient.RequestHeadersSpec<?> call) {
        delivered(operation, call).subscribe();
    }

    /** The call with its retries; completes once it is acknowledged or given up on (counted and logged). */
    private Mono<Void> delivered(String operation, WebClient.RequestHeadersSpec<?> call) {
        return call.exchangeToMono(response -> {
                    HttpStatusCode status = response.statusCode();
                    // 404: already settled, released or expired; nothing is left to do.
                    if (status.is2xxSuccessful() || status.value() == 404) {
                        return response.releaseBody();
                    }
                    return response.releaseBody().then(Mono.error(new FollowUpRefusedException(status)));
                })
                .timeout(timeout)
                .retryWhen(Retry.backoff(FOLLOW_UP_RETRIES, FOLLOW_UP_BACKOFF)
                        // A 4xx will not change on a retry; everything else might.
                        .filter(failure -> !(failure instanceof FollowUpRefusedException refused)
                                || refused.status.is5xxServerError()))
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

    private static void tenant(HttpHeaders headers, String tenant) {
        if (tenant != null) {
            headers.set(TENANT_HEADER, tenant);
        }
    }

    private static String describe(Throwable failure) {
        return failure instanceof FollowUpRefusedException refused
                ? "status " + refused.status.value()
                : failure.getClass().getSimpleName();
    }

    /** A non-2xx answer to settle or release; carries only the status (no URL, which names ids). */
    private static final class FollowUpRefusedException extends RuntimeException {

        private final HttpStatusCode status;

        FollowUpRefusedException(HttpStatusCode status) {
            super("status " + status.value(), null, false, false);
            this.status = status;
        }
    }
}
