package io.warmpath.inference.lanes;

import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * One admission lane: at most {@code concurrency} requests hold a place at once; the rest wait, earliest deadline
 * first, up to {@code queue} of them. A request is refused at once when the queue is full, or when the wait its
 * place in the queue predicts (how long this lane's requests have held their places lately) would outlast its
 * deadline. A place passes straight from a request that ends to the waiting request with the earliest deadline.
 */
public final class Lane {

    /** The two lanes. */
    public enum Kind {
        /** Short prefills: turns whose prompt is mostly cached, generation-bound. */
        INTERACTIVE,
        /** Long cold prompts: documents, first turns of long sessions. */
        PREFILL;

        /** Its name in metrics and headers. */
        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** How much of the hold-time average the latest request moves. */
    private static final double SMOOTHING = 0.2;
    private static final long ORIGIN = System.nanoTime();

    private final Kind kind;
    private final LaneProperties.Limits limits;
    private final PriorityQueue<Waiter> waiting = new PriorityQueue<>(
            Comparator.comparingLong((Waiter waiter) -> waiter.deadlineNanos - ORIGIN).thenComparingLong(w -> w.order));
    private int active;
    private long arrivals;
    /** Seconds a request held its place lately; 0 before any has finished. */
    private volatile double meanHoldSeconds;
    private final Timer waits;
    private final Counter refusedFull;
    private final Counter refusedNoTime;

    Lane(Kind kind, LaneProperties.Limits limits, MeterRegistry meters) {
        this.kind = kind;
        this.limits = limits;
        Gauge.builder("warmpath.inference.lane.active", this, Lane::active).tag("lane", kind.tag())
                .description("Requests holding a place in the lane").register(meters);
        Gauge.builder("warmpath.inference.lane.queued", this, Lane::queued).tag("lane", kind.tag())
                .description("Requests waiting for a place in the lane").register(meters);
        this.waits = Timer.builder("warmpath.inference.lane.wait").tag("lane", kind.tag())
                .description("Time requests waited for a place in the lane").publishPercentileHistogram()
                .maximumExpectedValue(Duration.ofMinutes(5)).register(meters);
        this.refusedFull = refusals(meters, "queue_full");
        this.refusedNoTime = refusals(meters, "no_time");
    }

    public Kind kind() {
        return kind;
    }

    /**
     * A place in the lane, at once or when one frees up; fails with {@link LaneRefusedException} when the request
     * cannot have one in time. Cancelling while waiting gives up the place in the queue.
     *
     * @param deadlineNanos the {@link System#nanoTime()} by which the request must be over
     */
    Mono<Ticket> admit(long deadlineNanos) {
        return Mono.create(sink -> {
            long now = System.nanoTime();
            Waiter queued = null;
            Ticket granted = null;
            LaneRefusedException refused = null;
            synchronized (this) {
                if (active < limits.concurrency() && waiting.isEmpty()) {
                    active++;
                    granted = new Ticket(this, now);
                }
                else if (waiting.size() >= limits.queue()) {
                    refused = new LaneRefusedException(kind, retryAfter(waiting.size()), true);
                }
                else if (predictedWaitNanos(waiting.size() + 1) > deadlineNanos - now) {
                    refused = new LaneRefusedException(kind, retryAfter(waiting.size()), false);
                }
                else {
                    queued = new Waiter(deadlineNanos, arrivals++, now, sink);
                    waiting.add(queued);
                }
            }
            if (granted != null) {
                waits.record(Duration.ZERO);
                sink.success(granted);
            }
            else if (refused != null) {
                (refused.full() ? refusedFull : refusedNoTime).increment();
                sink.error(refused);
            }
            else {
                Waiter waiter = queued;
                sink.onCancel(() -> cancel(waiter));
            }
        });
    }

    /** Ends a ticket's hold: its place goes to the earliest deadline waiting, else back to the lane. */
    void release(Ticket ticket) {
        double held = (System.nanoTime() - ticket.startNanos()) / 1e9;
        double mean = meanHoldSeconds;
        meanHoldSeconds = mean == 0 ? held : mean + SMOOTHING * (held - mean);
        while (true) {
            Waiter next;
            synchronized (this) {
                next = waiting.poll();
                if (next == null) {
                    active--;
                    return;
                }
            }
            // The place passes on without being given back; a waiter cancelled meanwhile hands it to the next one.
            if (next.grant(new Ticket(this, System.nanoTime()))) {
                waits.record(Duration.ofNanos(System.nanoTime() - next.queuedNanos));
                return;
            }
        }
    }

    synchronized int active() {
        return active;
    }

    synchronized int queued() {
        return waiting.size();
    }

    private void cancel(Waiter waiter) {
        if (waiter.cancel()) {
            synchronized (this) {
                waiting.remove(waiter);
            }
        }
    }

    /** The wait the {@code position}th request in the queue can expect: whole rounds of the lane's places. */
    private long predictedWaitNanos(int position) {
        long rounds = (position + limits.concurrency() - 1) / limits.concurrency();
        return (long) (rounds * meanHoldSeconds * 1e9);
    }

    /** When the queue should have room again: its requests' rounds, at least a second. */
    private Duration retryAfter(int queued) {
        long millis = predictedWaitNanos(queued + 1) / 1_000_000;
        return Duration.ofSeconds(Math.max(1, (millis + 999) / 1000));
    }

    private Counter refusals(MeterRegistry meters, String reason) {
        return Counter.builder("warmpath.inference.lane.refusals").tag("lane", kind.tag()).tag("reason", reason)
                .description("Requests the lane refused at once").register(meters);
    }

    /** A request waiting for a place; granted or cancelled exactly once. */
    private static final class Waiter {

        private final long deadlineNanos;
        private final long order;
        private final long queuedNanos;
        private final MonoSink<Ticket> sink;
        /** null while waiting; then the ticket granted, or {@link Ticket#CANCELLED}. */
        private final AtomicReference<@Nullable Ticket> outcome = new AtomicReference<>();

        Waiter(long deadlineNanos, long order, long queuedNanos, MonoSink<Ticket> sink) {
            this.deadlineNanos = deadlineNanos;
            this.order = order;
            this.queuedNanos = queuedNanos;
            this.sink = sink;
        }

        boolean grant(Ticket ticket) {
            if (!outcome.compareAndSet(null, ticket)) {
                return false;
            }
            sink.success(ticket);
            return true;
        }

        /** @return whether it was still waiting; one cancelled just after its grant gives its ticket back */
        boolean cancel() {
            if (outcome.compareAndSet(null, Ticket.CANCELLED)) {
                return true;
            }
            Ticket granted = outcome.get();
            if (granted != null) {
                granted.release();
            }
            return false;
        }
    }
}
