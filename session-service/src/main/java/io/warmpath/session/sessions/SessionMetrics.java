package io.warmpath.session.sessions;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/** Counts sessions created, by kind only: session ids and affinity values never become tags. */
@Component
class SessionMetrics {

    // Not "...created": Prometheus reserves the _created suffix and would drop it from the name.
    static final String CREATED = "warmpath.session.sessions";

    private final Counter explicitCreated;
    private final Counter implicitCreated;

    SessionMetrics(MeterRegistry registry) {
        this.explicitCreated = Counter.builder(CREATED).tag("kind", "explicit")
                .description("Sessions created").register(registry);
        this.implicitCreated = Counter.builder(CREATED).tag("kind", "implicit")
                .description("Sessions created").register(registry);
    }

    void created(boolean implicit) {
        (implicit ? implicitCreated : explicitCreated).increment();
    }
}
