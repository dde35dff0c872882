package io.warmpath.contracts.sessions;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.service.annotation.DeleteExchange;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;
import org.springframework.web.service.annotation.PostExchange;
import org.springframework.web.service.annotation.PutExchange;
import reactor.core.publisher.Mono;

/**
 * session-service's internal API as the gateway and the cells call it. Any status but a success is an error
 * ({@code WebClientResponseException}, carrying the status and the OpenAI error body): callers decide per status
 * what it means for them. {@code authorization} is the caller's {@code Bearer} credential for session-service.
 */
@HttpExchange(url = "/internal", contentType = "application/json", accept = "application/json")
public interface SessionServiceApi {

    /** 200 with the session; 404 unknown token, 403 another workflow's session, 400 a malformed value. */
    @PostExchange("/resolve")
    Mono<ResolvedSession> resolve(
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) @Nullable String authorization,
            @RequestBody ResolveRequest request);

    /**
     * 200 with the live API key of that hash; 404 when no key has it (never issued, revoked or expired). Only the
     * gateway's own assertion with {@code keys:resolve} may ask.
     */
    @PostExchange("/keys/resolve")
    Mono<ResolvedKey> resolveKey(
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) @Nullable String authorization,
            @RequestBody KeyResolveRequest request);

    /** 200 with the defaults of the caller's tenant (the assertion names it). */
    @GetExchange("/tenant/defaults")
    Mono<TenantDefaults> tenantDefaults(
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) @Nullable String authorization);

    /**
     * 200 with the session's trimmed tools, decided by the first call since its last checkpoint; 404 unknown session.
     */
    @PostExchange("/sessions/{sessionId}/tool-set")
    Mono<ToolSet> toolSet(
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) @Nullable String authorization,
            @PathVariable String sessionId, @RequestBody ToolSetRequest request);

    /** 200 with the session's context policy, limit and latest checkpoint; 404 unknown session. */
    @GetExchange("/sessions/{sessionId}/context")
    Mono<SessionContext> context(
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) @Nullable String authorization,
            @PathVariable String sessionId);

    /**
     * 200 with the session's checkpoint after the call: this one, or a newer one another cell stored first; 404
     * unknown session; 409 when the session does not checkpoint.
     */
    @PutExchange("/sessions/{sessionId}/checkpoint")
    Mono<Checkpoint> checkpoint(
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) @Nullable String authorization,
            @PathVariable String sessionId, @RequestBody Checkpoint checkpoint);

    /** 200 with the stored binding; 409 when the epoch moved; 404 unknown session. */
    @PutExchange("/sessions/{sessionId}/binding")
    Mono<Binding> bind(
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) @Nullable String authorization,
            @PathVariable String sessionId, @RequestBody BindRequest request);

    /** 201 with the reservation; 400 over the context limits, 429 over budget, 404 unknown or closed session. */
    @PostExchange("/sessions/{sessionId}/reservations")
    Mono<Reservation> reserve(
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) @Nullable String authorization,
            @PathVariable String sessionId, @RequestBody ReservationRequest request);

    /** 200; 404 when the reservation is gone (settled, released or expired). */
    @PostExchange("/reservations/{reservationId}/settle")
    Mono<SettleResult> settle(
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) @Nullable String authorization,
            @PathVariable String reservationId, @RequestBody Settlement settlement);

    /** 200 with a result per turn. */
    @PostExchange("/turns")
    Mono<TurnResults> record(
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) @Nullable String authorization,
            @RequestBody TurnBatch batch);

    /** 204; 404 when the reservation is gone. */
    @DeleteExchange("/reservations/{reservationId}")
    Mono<Void> release(
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) @Nullable String authorization,
            @PathVariable String reservationId);

    /** 204 when released (again: still 204); 404 when that request reserved nothing on the session. */
    @DeleteExchange("/sessions/{sessionId}/reservations/by-request/{requestId}")
    Mono<Void> releaseByRequest(
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) @Nullable String authorization,
            @PathVariable String sessionId, @PathVariable String requestId);
}
