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
 * completion limit) are reserved; when the request ends the reservation is settled exactly once:
 * <ul>
 *   <li>with the engine's usage, when it reported one;</li>
 *   <li>otherwise, when the engine took the request and it then ended without usage (the client left, the stream
 *       broke), with what was spent as far as the cell can tell: the reserved prompt, none of it cached, and one
 *       completion token per content chunk seen. Releasing it instead would let a client that hangs up before
 *       the usage chunk spend tokens for free;</li>
 *   <li>released, when the engine never took the request (refused, unreachable, failed with a status).</li>
 * </ul>
 */
final class SessionTurn {

    private final SessionBudgetClient sessions;
    private final String sessionId;
    private final String tenant;
    private final String model;
    private final String cellId;
    private final AtomicReference<Reservation> reservation = new AtomicReference<>();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile long reservedPromptTokens;

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
                .doOnNext(tokens -> reservedPromptTokens = tokens)
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
        long ttftMs = finished.timeToFirstToken().toMillis();
        if (finished.usage().isPresent()) {
            TokenUsage usage = finished.usage().get();
            sessions.settle(held, tenant, new Settlement(usage.prompt(), usage.cached(), usage.completion(), ttftMs,
                    cellId, model));
        }
        else if (spentWithoutUsage(finished)) {
            sessions.settle(held, tenant, new Settlement(reservedPromptTokens, 0, finished.contentChunks(), ttftMs,
                    cellId, model));
        }
        else {
            sessions.release(held, tenant);
        }
    }

    /** The engine took the request and answered (or was still answering) when it ended without usage. */
    private static boolean spentWithoutUsage(FinishedRequest finished) {
        return finished.engineCalled() && switch (finished.outcome()) {
            case OK, STREAM_BROKEN, CANCELLED -> true;
            default -> false;
        };
    }
}
