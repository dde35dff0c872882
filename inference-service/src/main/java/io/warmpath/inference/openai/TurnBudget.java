package io.warmpath.inference.openai;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.warmpath.contracts.sessions.PrefixBreak;
import io.warmpath.contracts.sessions.RecordedTurn;
import io.warmpath.contracts.sessions.Reservation;
import io.warmpath.contracts.sessions.ReservationRequest;
import io.warmpath.contracts.sessions.CheckpointUse;
import io.warmpath.contracts.sessions.ModelRoute;
import io.warmpath.contracts.sessions.Settlement;
import io.warmpath.inference.tools.TurnTools;
import io.warmpath.inference.session.SessionBudgetClient;
import io.warmpath.inference.session.TurnLedger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The budget side of one turn of a session. A session without limits (the gateway says so) reserves nothing and its
 * turn is recorded in the ledger once the engine has taken it, with the engine's usage or, without one, as below.
 * For any other session, before the engine is called the turn's most tokens (exact prompt plus completion limit) are
 * reserved; when the request ends the reservation is settled exactly once:
 * <ul>
 *   <li>with the engine's usage, when it reported one;</li>
 *   <li>otherwise, when the engine took the request and it then ended without usage (the client left, the stream
 *       broke), with what was spent as far as the cell can tell: the reserved prompt, none of it cached, and one
 *       completion token per content chunk seen. Releasing it instead would let a client that hangs up before
 *       the usage chunk spend tokens for free;</li>
 *   <li>released, when the engine never took the request (refused, unreachable, failed with a status).</li>
 * </ul>
 */
final class TurnBudget {

    private static final Logger log = LoggerFactory.getLogger(TurnBudget.class);

    private final SessionBudgetClient sessions;
    private final TurnLedger ledger;
    private final String sessionId;
    private final String tenant;
    private final @Nullable String assertion;
    private final String model;
    private final String cellId;
    private final boolean limited;
    private final Mono<Long> promptTokens;
    /** Where this turn broke the session's cached prefix, recorded with its usage. */
    private final @Nullable PrefixBreak prefixBreak;
    /** What the turn offered, trimmed and called, recorded with its usage. */
    private final TurnTools tools;
    /** What the turn did with its session's checkpoint, recorded with its usage. */
    private final @Nullable CheckpointUse checkpoint;
    /** The gateway's routing decision for the turn, recorded with its usage. */
    private final @Nullable ModelRoute modelRoute;
    private final String requestId = UUID.randomUUID().toString();
    private final AtomicReference<Reservation> reservation = new AtomicReference<>();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile long reservedPromptTokens;

    /**
     * @param assertion    the request's assertion for session-service; without one, a reserve fails closed and a
     *                     turn without limits goes unrecorded
     * @param limited      whether the session has limits to reserve against, as the request's assertion says
     * @param promptTokens counts the prompt exactly (a call to the engine), when it is needed
     * @param tools        the turn's tools, whose use goes with its usage
     * @param checkpoint   what the turn did with its session's checkpoint, if it has one
     * @param modelRoute   the gateway's routing decision, when the turn named a routing alias
     */
    TurnBudget(SessionBudgetClient sessions, TurnLedger ledger, String sessionId, String tenant,
            @Nullable String assertion, String model, String cellId, boolean limited, Mono<Long> promptTokens,
            @Nullable PrefixBreak prefixBreak, TurnTools tools, @Nullable CheckpointUse checkpoint,
            @Nullable ModelRoute modelRoute) {
        this.modelRoute = modelRoute;
        this.prefixBreak = prefixBreak;
        this.tools = tools;
        this.checkpoint = checkpoint;
        this.sessions = sessions;
        this.ledger = ledger;
        this.sessionId = sessionId;
        this.tenant = tenant;
        this.assertion = assertion;
        this.model = model;
        this.cellId = cellId;
        this.limited = limited;
        this.promptTokens = promptTokens;
    }

    /**
     * Reserves budget, for a session with limits; completes empty when granted (or when there is nothing to reserve),
     * otherwise fails with session-service's refusal or unavailability (or the engine's failure to count the prompt).
     *
     * @param maxTokens the most completion tokens the turn may produce, all its sequences and prompts together
     */
    Mono<Void> reserve(long maxTokens) {
        if (!limited) {
            return Mono.empty();
        }
        return promptTokens
                .doOnNext(tokens -> reservedPromptTokens = tokens)
                .flatMap(tokens -> sessions.reserve(sessionId, assertion,
                        new ReservationRequest(requestId, model, tokens, maxTokens)))
                .doOnNext(granted -> {
                    reservation.set(granted);
                    // The request may have ended (client gone) while the grant was on its way.
                    if (ended.get() && reservation.compareAndSet(granted, null)) {
                        sessions.release(granted, assertion);
                    }
                })
                .then();
    }

    /** Settles or releases the reservation, if one was granted, or records a turn without one; never blocks. */
    void finished(FinishedRequest finished) {
        if (ended.getAndSet(true)) {
            return;
        }
        if (!limited) {
            record(finished);
            return;
        }
        Reservation held = reservation.getAndSet(null);
        if (held == null || assertion == null) {
            return;
        }
        long ttftMs = finished.timeToFirstToken().toMillis();
        if (finished.usage().isPresent()) {
            TokenUsage usage = finished.usage().get();
            sessions.settle(held, assertion, settlement(usage.prompt(), usage.cached(),
                    usage.completion(), ttftMs));
        }
        else if (spentWithoutUsage(finished)) {
            sessions.settle(held, assertion, settlement(reservedPromptTokens, 0,
                    finished.contentChunks(), ttftMs));
        }
        else {
            sessions.release(held, assertion);
        }
    }

    private void record(FinishedRequest finished) {
        if (assertion == null) {
            log.warn("A turn of a session without limits went unrecorded: no assertion for session-service");
            return;
        }
        long ttftMs = finished.timeToFirstToken().toMillis();
        if (finished.usage().isPresent()) {
            TokenUsage usage = finished.usage().get();
            ledger.record(tenant, assertion, RecordedTurn.of(sessionId, requestId, settlement(usage.prompt(),
                    usage.cached(), usage.completion(), ttftMs)));
        }
        else if (spentWithoutUsage(finished)) {
            // Counted only now: a turn that ends with its usage, as nearly all do, never pays for it.
            promptTokens.subscribe(tokens -> ledger.record(tenant, assertion, RecordedTurn.of(sessionId, requestId,
                    settlement(tokens, 0, finished.contentChunks(), ttftMs))),
                    failure -> log.warn("A turn that ended without usage could not be recorded: its prompt could "
                            + "not be counted ({})", failure.getClass().getSimpleName()));
        }
    }

    /** The turn's usage, with its prefix break and tool use. */
    private Settlement settlement(long prompt, long cached, long completion, long ttftMs) {
        return Settlement.of(prompt, cached, completion, ttftMs, cellId, model).withPrefixBreak(prefixBreak)
                .withToolUse(tools.use()).withCheckpointUse(checkpoint).withModelRoute(modelRoute);
    }

    /** The engine took the request and answered (or was still answering) when it ended without usage. */
    private static boolean spentWithoutUsage(FinishedRequest finished) {
        return finished.engineCalled() && switch (finished.outcome()) {
            case OK, STREAM_BROKEN, CANCELLED -> true;
            default -> false;
        };
    }
}
