package io.warmpath.inference.session;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.warmpath.contracts.sessions.RecordedTurn;
import io.warmpath.inference.CellProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Turns of sessions without limits on their way to session-service's ledger. A turn is queued when its request ends
 * and the queue is sent every {@code ledger-flush-interval} (20 ms), as one {@code POST /internal/turns} per tenant:
 * a busy cell then costs session-service a few calls a second instead of one per turn. Delivery is as for a settle
 * (retried, idempotent per request id, a final failure counted). The queue is bounded: past
 * {@value #CAPACITY} waiting turns, more are dropped and counted rather than held until the cell runs out of memory.
 * On shutdown the queue is sent once more, and the cell waits a few seconds for the answers.
 */
@Component
public class TurnLedger implements DisposableBean {

    static final String DROPPED = "warmpath.inference.ledger.dropped";
    static final int CAPACITY = 10_000;
    /** Small enough that session-service answers a batch well within the cell's timeout even when busy. */
    private static final int MAX_BATCH = 100;
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(5);

    private static final Logger log = LoggerFactory.getLogger(TurnLedger.class);

    private final SessionBudgetClient sessions;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>(CAPACITY);
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "turn-ledger");
        thread.setDaemon(true);
        return thread;
    });
    private final Counter dropped;

    TurnLedger(SessionBudgetClient sessions, CellProperties cell, MeterRegistry meters) {
        this.sessions = sessions;
        this.dropped = Counter.builder(DROPPED)
                .description("Turns of sessions without limits never sent to the ledger: the queue was full")
                .register(meters);
        long interval = Math.max(1, cell.ledgerFlushInterval().toMillis());
        flusher.scheduleWithFixedDelay(this::flush, interval, interval, TimeUnit.MILLISECONDS);
    }

    /**
     * Queues a served turn for the ledger; never blocks.
     *
     * @param assertion the turn's assertion for session-service: a batch of its tenant's turns is sent with one
     */
    public void record(String tenant, String assertion, RecordedTurn turn) {
        if (!queue.offer(new Pending(tenant, assertion, turn))) {
            dropped.increment();
        }
    }

    /** Sends what is queued, in batches of at most {@value #MAX_BATCH} turns of one tenant, in the background. */
    void flush() {
        try {
            sends().forEach(Mono::subscribe);
        }
        catch (RuntimeException unexpected) {
            // A scheduled task that throws is never run again: log, and keep flushing.
            log.error("Sending turns to the ledger failed", unexpected);
        }
    }

    /** The calls that send what is queued now; nothing is sent until they are subscribed. */
    private List<Mono<Void>> sends() {
        List<Mono<Void>> sends = new ArrayList<>();
        List<Pending> drained = new ArrayList<>();
        while (queue.drainTo(drained, MAX_BATCH) > 0) {
            Map<String, List<RecordedTurn>> byTenant = new LinkedHashMap<>();
            Map<String, String> newestAssertion = new LinkedHashMap<>();
            for (Pending pending : drained) {
                byTenant.computeIfAbsent(pending.tenant(), tenant -> new ArrayList<>()).add(pending.turn());
                // The newest has the most lifetime left; any of the tenant's assertions may record its turns.
                newestAssertion.put(pending.tenant(), pending.assertion());
            }
            byTenant.forEach((tenant, turns) -> sends.add(sessions.recordAll(newestAssertion.get(tenant), turns)));
            drained.clear();
        }
        return sends;
    }

    /** Stops the timer and sends what is left, waiting a few seconds for the answers. */
    @Override
    public void destroy() throws InterruptedException {
        flusher.shutdown();
        flusher.awaitTermination(SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        Flux.merge(sends()).then().block(SHUTDOWN_WAIT);
    }

    private record Pending(String tenant, String assertion, RecordedTurn turn) {
    }
}
