package io.warmpath.session.budgets;

import io.warmpath.contracts.assertion.Assertion;
import io.warmpath.contracts.sessions.Reservation;
import io.warmpath.contracts.sessions.ReservationRequest;
import io.warmpath.contracts.sessions.SettleResult;
import io.warmpath.contracts.sessions.Settlement;
import io.warmpath.contracts.sessions.TurnBatch;
import io.warmpath.contracts.sessions.TurnResults;
import io.warmpath.session.web.SessionScope;
import io.warmpath.session.web.Tenant;
import jakarta.validation.Valid;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The inference cells' budget calls (internal API). Refusals are OpenAI errors that a cell relays to its client
 * with the same status: 400 {@code context_length_exceeded} / {@code context_growth_exceeded}, 429
 * {@code budget_exceeded}. A turn's assertion names its session; a call about another session is a 403.
 */
@RestController
class ReservationController {

    private final Reservations reservations;

    ReservationController(Reservations reservations) {
        this.reservations = reservations;
    }

    @PostMapping("/internal/sessions/{id}/reservations")
    @ResponseStatus(HttpStatus.CREATED)
    Reservation reserve(Tenant tenant, Assertion caller, @PathVariable String id,
            @Valid @RequestBody ReservationRequest request) {
        SessionScope.requireSession(caller, id);
        return reservations.reserve(tenant.id(), id, request);
    }

    @PostMapping("/internal/reservations/{reservationId}/settle")
    SettleResult settle(Tenant tenant, @PathVariable String reservationId, @Valid @RequestBody Settlement request) {
        return reservations.settle(tenant.id(), reservationId, request);
    }

    /**
     * Served turns of sessions without limits (nothing was reserved for them), as cells send them in batches:
     * {@code 200} with one result per turn, in order; an empty or oversized batch is a 400.
     */
    @PostMapping("/internal/turns")
    TurnResults recordAll(Tenant tenant, @Valid @RequestBody TurnBatch batch) {
        return reservations.recordAll(tenant.id(), batch);
    }

    @DeleteMapping("/internal/reservations/{reservationId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void release(Tenant tenant, @PathVariable String reservationId) {
        reservations.release(tenant.id(), reservationId);
    }

    /**
     * Releases by the {@code request_id} given to the reserve, for a cell whose reserve call timed out or was
     * cancelled before it learned the reservation id: 204 when released (again: still 204), 404 when that request
     * reserved nothing on the session (a reserve arriving later is then refused with 409 {@code request_id_reused}).
     */
    @DeleteMapping("/internal/sessions/{id}/reservations/by-request/{requestId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void releaseByRequest(Tenant tenant, Assertion caller, @PathVariable String id, @PathVariable String requestId) {
        SessionScope.requireSession(caller, id);
        reservations.releaseByRequest(tenant.id(), id, requestId);
    }
}
