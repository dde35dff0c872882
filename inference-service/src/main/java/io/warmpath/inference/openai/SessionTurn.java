package io.warmpath.inference.openai;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.warmpath.inference.session.Reservation;
import io.warmpath.inference.session.ReservationRequest;
import io.warmpath.inference.session.SessionBudgetClient;
import io.warmpath.inference.session.Settlement;

import reactor.core.publisher.Mono;

/**
 * The budget side of one turn of a session. Before the engine is called the turn's most tokens (exact prompt plus
 * completion limit) are reserved; when the request ends the reservation is settled with the engine's usage, or
 * released when the engine never reported any (failure, broken stream, client gone). Exactly once either way.
 */
final class SessionTurn {

    private final SessionBudgetClient sessions;
    private final String sessionId;
    private final String tenant;
    private final String model;
    private final String cellId;
    private final AtomicReference<Reservation> reservation = new AtomicReference<>();
    private final AtomicBoolean ended = new AtomicBoolean();

    SessionTurn(SessionBudgetClient sessions, String sessionId, String tenant, String model, String cellId) {
        this.sessions = sessions;
        this.sessionId = sessionId;
        this.tenant = tenant;
        this.model = model;
        this.cellId = cellId;
    }

    /**
     * Reserves budget; completes empty when granted, otherwise fails with session-service's refusal or
     * unavailability (or the engine's failure to count the prompt).
     */
    Mono<Void> reserve(Mono<Long> promptTokens, long maxTokens) {
        return promptTokens
                .flatMap(tokens -> sessions.reserve(sessionId, tenant,
                        new ReservationRequest(UUID.randomUUID().toString(), model, tokens, maxTokens)))
                .doOnNext(granted -> {
                    reservation.set(granted);
                    // The request may have ended (client gone) while the grant was on its way.
                    if (ended.get() && reservation.compareAndSet(granted, null)) {
                        sessions.release(granted, tenant);
                    }
                })
                .then();
    }

    /** Settles or releases the reservation, if one was granted; never blocks. */
    void finished(FinishedRequest finished) {
        ended.set(true);
        Reservation held = reservation.getAndSet(null);
        if (held == null) {
            return;
        }
        finished.usage().ifPresentOrElse(
                usage -> sessions.settle(held, tenant, new Settlement(usage.prompt(), usage.cached(),
                        usage.completion(), finished.timeToFirstToken().toMillis(), cellId, model)),
                () -> sessions.release(held, tenant));
    }
}
