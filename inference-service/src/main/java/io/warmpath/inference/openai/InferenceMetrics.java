package io.warmpath.inference.openai;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;

/**
 * The cell's request metrics. Tags stay low-cardinality: model (only names the engine serves), outcome, stream, token
 * class; the cell id and region come from {@code management.metrics.tags.*}. Per-session figures belong in the
 * session ledger, never in a tag.
 */
@Component
class InferenceMetrics {

    static final String REQUESTS = "warmpath.inference.requests";
    static final String TOKENS = "warmpath.inference.tokens";
    static final String TTFT = "warmpath.inference.ttft";
    static final String DURATION = "warmpath.inference.duration";

    private final MeterRegistry registry;

    InferenceMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * Starts observing one request that reached the engine stage.
     *
     * @param onFinish runs once when the request ends, whichever way
     */
    RequestObservation start(String model, boolean stream, Runnable onFinish) {
        return new RequestObservation(registry, model, stream, onFinish);
    }

    /** Counts a request the cell turned away before calling the engine. */
    void rejected(String model, boolean stream) {
        Counter.builder(REQUESTS)
                .tags("model", model, "outcome", Outcome.CLIENT_ERROR.tag(), "stream", Boolean.toString(stream))
                .register(registry)
                .increment();
    }
}
