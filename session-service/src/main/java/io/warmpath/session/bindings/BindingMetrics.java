package io.warmpath.session.bindings;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.warmpath.contracts.sessions.BindingReason;
import org.springframework.stereotype.Component;

/** Counts binds by reason and outcome ({@code bound}, {@code conflict}); no session or cell labels. */
@Component
class BindingMetrics {

    static final String BINDS = "warmpath.session.binds";

    private final MeterRegistry registry;

    BindingMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void bind(BindingReason reason, boolean bound) {
        Counter.builder(BINDS)
                .description("Session-to-cell bind requests")
                .tags("reason", reason.tag(), "outcome", bound ? "bound" : "conflict")
                .register(registry)
                .increment();
    }
}
