package io.warmpath.session.budgets;

import io.warmpath.session.budgets.ReservationViews.BatchResults;
import io.warmpath.session.budgets.ReservationViews.Reservation;
import io.warmpath.session.budgets.ReservationViews.ReserveRequest;
import io.warmpath.session.budgets.ReservationViews.SettleRequest;
import io.warmpath.session.budgets.ReservationViews.Settled;
import io.warmpath.session.budgets.ReservationViews.TurnBatch;
import io.warmpath.session.web.Tenant;
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
     * Served turns of sessions without limits (nothing was reserved for them), as cells send them in batches:
     * {@code 200} with one result per turn, in order; an empty or oversized batch is a 400.
     */
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
