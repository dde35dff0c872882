package io.warmpath.session.budgets;

import io.warmpath.session.budgets.ReservationViews.BatchResults;
import io.warmpath.session.budgets.ReservationViews.Recorded;
import io.warmpath.session.budgets.ReservationViews.Reservation;
import io.warmpath.session.budgets.ReservationViews.ReserveRequest;
import io.warmpath.session.budgets.ReservationViews.SettleRequest;
import io.warmpath.session.budgets.ReservationViews.Settled;
import io.warmpath.session.budgets.ReservationViews.TurnBatch;
import io.warmpath.session.budgets.ReservationViews.TurnRequest;
import io.warmpath.session.web.Tenant;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The inference cells' budget calls (internal API). Refusals are OpenAI errors that a cell relays to its client
 * with the same status: 400 {@code context_length_exceeded} / {@code context_growth_exceeded}, 429
 * {@code budget_exceeded}.
 */
@RestController
class ReservationController {

    private final Reservations reservations;

    ReservationController(Reservations reservations) {
        this.reservations = reservations;
    }

    @PostMapping("/internal/sessions/{id}/reservations")
    @ResponseStatus(HttpStatus.CREATED)
    Reservation reserve(Tenant tenant, @PathVariable String id, @RequestBody ReserveRequest request) {
        return reservations.reserve(tenant.id(), id, request.validated());
    }

    @PostMapping("/internal/reservations/{reservationId}/settle")
    Settled settle(Tenant tenant, @PathVariable String reservationId, @RequestBody SettleRequest request) {
        return reservations.settle(tenant.id(), reservationId, request.validated());
    }

    /**
     * A served turn of a session without limits (nothing was reserved for it): 201 {@code recorded}, 200
     * {@code already_recorded} for the same request id again, 404 for a session that is gone or another tenant's.
     */
    @PostMapping("/internal/sessions/{id}/turns")
    ResponseEntity<Recorded> record(Tenant tenant, @PathVariable String id, @RequestBody TurnRequest request) {
        Recorded recorded = reservations.record(tenant.id(), id, request);
        return ResponseEntity.status(recorded.status().equals("recorded") ? HttpStatus.CREATED : HttpStatus.OK)
                .body(recorded);
    }

    /** Many turns of sessions without limits at once: {@code 200} with one result per turn, in order. */
    @PostMapping("/internal/turns")
    BatchResults recordAll(Tenant tenant, @RequestBody TurnBatch batch) {
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
    void releaseByRequest(Tenant tenant, @PathVariable String id, @PathVariable String requestId) {
        reservations.releaseByRequest(tenant.id(), id, requestId);
    }
}
