package io.warmpath.inference.openai;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Metrics of one request, from the moment it is sent to the engine until it ends. Safe to call from the reactive
 * pipeline's terminal hooks: {@link #finish} counts once however many hooks fire.
 */
class RequestObservation {

    private final MeterRegistry registry;
    private final String model;
    private final String stream;
    private final Runnable onFinish;
    private final long startNanos = System.nanoTime();
    private final AtomicBoolean firstTokenSeen = new AtomicBoolean();
    private final AtomicBoolean finished = new AtomicBoolean();

    RequestObservation(MeterRegistry registry, String model, boolean stream, Runnable onFinish) {
        this.registry = registry;
        this.model = model;
        this.stream = Boolean.toString(stream);
        this.onFinish = onFinish;
    }

    /** Records time to first token; only the first call counts. */
    void firstToken() {
        if (firstTokenSeen.compareAndSet(false, true)) {
            Timer.builder(InferenceMetrics.TTFT)
                    .description("Time from forwarding a streamed request to the first content chunk")
                    .tags("model", model)
                    .publishPercentileHistogram()
                    .maximumExpectedValue(Duration.ofMinutes(5))
                    .register(registry)
                    .record(elapsed());
        }
    }

    void usage(TokenUsage usage) {
        tokens("prompt", usage.prompt());
        tokens("cached", usage.cached());
        tokens("completion", usage.completion());
    }

    void finish(Outcome outcome) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        try {
            Counter.builder(InferenceMetrics.REQUESTS)
                    .tags("model", model, "outcome", outcome.tag(), "stream", stream)
                    .register(registry)
                    .increment();
            Timer.builder(InferenceMetrics.DURATION)
                    .description("Time from forwarding a request to its last byte or failure")
                    .tags("model", model, "outcome", outcome.tag(), "stream", stream)
                    .publishPercentileHistogram()
                    .maximumExpectedValue(Duration.ofMinutes(30))
                    .register(registry)
                    .record(elapsed());
        }
        finally {
            onFinish.run();
        }
    }

    private void tokens(String tokenClass, long count) {
        Counter.builder(InferenceMetrics.TOKENS)
                .description("Tokens by class: prompt, cached (prompt tokens served from the prefix cache), completion")
                .tags("model", model, "class", tokenClass)
                .register(registry)
                .increment(count);
    }

    private Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
