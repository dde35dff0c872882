package io.warmpath.session.budgets;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;

/**
 * Counts reservations by outcome: admitted, budget_exceeded, context_exceeded, and recorded for a turn of a session
 * without limits, which reserves nothing (no session labels).
 */
@Component
class ReservationMetrics {

    static final String RESERVATIONS = "warmpath.session.reservations";

    private final Counter admitted;
    private final Counter budgetExceeded;
    private final Counter contextExceeded;
    private final Counter recorded;

    ReservationMetrics(MeterRegistry registry) {
        this.admitted = counter(registry, "admitted");
        this.budgetExceeded = counter(registry, "budget_exceeded");
        this.contextExceeded = counter(registry, "context_exceeded");
        this.recorded = counter(registry, "recorded");
    }

    void recorded() {
        recorded.increment();
    }

    void admitted() {
        admitted.increment();
    }

    void budgetExceeded() {
        budgetExceeded.increment();
    }

    /** Over the context length or the growth per turn. */
    void contextExceeded() {
        contextExceeded.increment();
    }

    private static Counter counter(MeterRegistry registry, String outcome) {
        return Counter.builder(RESERVATIONS).description("Budget reservations by outcome")
                .tag("outcome", outcome).register(registry);
    }
}
