package io.warmpath.inference.openai;

import java.util.function.Consumer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
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
    static final String CACHED_PREDICTED = "warmpath.inference.cached.predicted";
    static final String CACHED_DELIVERED = "warmpath.inference.cached.delivered";
    static final String CACHED_DELIVERY_RATIO = "warmpath.inference.cached.delivery.ratio";

    private final MeterRegistry registry;

    InferenceMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * Starts observing one request that passed validation.
     *
     * @param onFinish runs once when the request ends, whichever way
     */
    RequestObservation start(String model, boolean stream, Consumer<FinishedRequest> onFinish) {
        return new RequestObservation(registry, model, stream, onFinish);
    }

    /** Counts a request the cell turned away before taking it on. */
    void rejected(String model, boolean stream) {
        Counter.builder(REQUESTS)
                .tags("model", model, "outcome", Outcome.CLIENT_ERROR.tag(), "stream", Boolean.toString(stream))
                .register(registry)
                .increment();
    }

    /**
     * Compares the cached tokens the gateway's routing expected this cell to hold with what the engine delivered.
     * Both are counters, so {@code rate(delivered) / rate(predicted)} is graphable per model and cell; the ratio of
     * each single request, where something was predicted, goes into a distribution as well.
     */
    void cachedTokens(String model, long predicted, long delivered) {
        Counter.builder(CACHED_PREDICTED)
                .description("Prompt tokens the gateway predicted this cell to hold in its prefix cache")
                .tag("model", model)
                .register(registry)
                .increment(predicted);
        Counter.builder(CACHED_DELIVERED)
                .description("Cached prompt tokens the engine reported for requests that carried a prediction")
                .tag("model", model)
                .register(registry)
                .increment(delivered);
        if (predicted > 0) {
            DistributionSummary.builder(CACHED_DELIVERY_RATIO)
                    .description("Delivered / predicted cached tokens per request (1 = routing was exactly right)")
                    .tag("model", model)
                    .serviceLevelObjectives(0.25, 0.5, 0.75, 0.9, 1.0, 1.1, 1.5)
                    .register(registry)
                    .record((double) delivered / predicted);
        }
    }
}
