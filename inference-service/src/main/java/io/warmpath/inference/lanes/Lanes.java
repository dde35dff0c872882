package io.warmpath.inference.lanes;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The cell's two admission lanes ({@link LaneProperties}): a request whose prompt the cell expects to prefill at
 * least {@code prefill-heavy-tokens} of takes the prefill lane, every other the interactive one. A request waits in
 * its lane at most until its deadline.
 */
@Component
public class Lanes {

    private final LaneProperties properties;
    private final Lane interactive;
    private final Lane prefill;

    Lanes(LaneProperties properties, MeterRegistry meters) {
        this.properties = properties;
        this.interactive = new Lane(Lane.Kind.INTERACTIVE, properties.interactive(), meters);
        this.prefill = new Lane(Lane.Kind.PREFILL, properties.prefill(), meters);
    }

    /** The lane a request with this many prompt tokens to prefill takes. */
    public Lane.Kind laneFor(long uncachedTokens) {
        return uncachedTokens >= properties.prefillHeavyTokens() ? Lane.Kind.PREFILL : Lane.Kind.INTERACTIVE;
    }

    /**
     * A place for a tenant's request in its lane; {@link Ticket#UNLIMITED} when lanes are off or the tenant bypasses
     * them. Fails with {@link LaneRefusedException} when it cannot have one in time, and with a timeout when its
     * deadline passes while it waits.
     *
     * @param deadlineNanos the {@link System#nanoTime()} by which the request must be over
     */
    public Mono<Ticket> admit(String tenant, Lane.Kind kind, long deadlineNanos) {
        if (!properties.enabled() || properties.offFor().contains(tenant)) {
            return Mono.just(Ticket.UNLIMITED);
        }
        Lane lane = kind == Lane.Kind.PREFILL ? prefill : interactive;
        return lane.admit(deadlineNanos)
                // A place freed by another request's end is handed over on that request's thread: what the next one
                // does with it runs elsewhere, so a queue of requests that fail at once never nests.
                .publishOn(Schedulers.parallel())
                .timeout(Duration.ofNanos(Math.max(1, deadlineNanos - System.nanoTime())))
                // A place granted just as the wait timed out (or was cancelled) is dropped by the operators above.
                .doOnDiscard(Ticket.class, Ticket::release);
    }

    /** Requests waiting in either lane, for the gateway's view of this cell's load. */
    public int queued() {
        return interactive.queued() + prefill.queued();
    }

    /** Whether engine requests carry vLLM's {@code priority}. */
    public boolean enginePriority() {
        return properties.enabled() && properties.enginePriority();
    }
}
