package io.warmpath.inference.openai;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Metrics of one request, from the moment the cell takes it on (for a session, before its budget is reserved) until
 * it ends; it also keeps the usage and time to first token that a session's reservation is settled with. Safe to
 * call from the reactive pipeline's terminal hooks: {@link #finish} counts once however many hooks fire.
 */
class RequestObservation {

    private final MeterRegistry registry;
    private final String model;
    private final String stream;
    private final Consumer<FinishedRequest> onFinish;
    private final long startNanos = System.nanoTime();
    private final AtomicReference<Duration> timeToFirstToken = new AtomicReference<>();
    private final AtomicReference<TokenUsage> usage = new AtomicReference<>();
    private final AtomicBoolean finished = new AtomicBoolean();
    private final AtomicInteger contentChunks = new AtomicInteger();
    private volatile boolean engineCalled;
    private volatile Runnable onFirstToken = () -> { };

    /** @param onFinish runs once when the request ends, whichever way, after the metrics are recorded */
    RequestObservation(MeterRegistry registry, String model, boolean stream, Consumer<FinishedRequest> onFinish) {
        this.registry = registry;
        this.model = model;
        this.stream = Boolean.toString(stream);
        this.onFinish = onFinish;
    }

    /** The request is on its way to the engine: from here on it may cost tokens even if it never ends cleanly. */
    void engineCalled() {
        engineCalled = true;
    }

    /** Whether {@link #finish} has run. */
    boolean finished() {
        return finished.get();
    }

    /** Runs when a stream's first content arrives (its prefill is done); not for a whole answer. */
    void whenFirstToken(Runnable action) {
        this.onFirstToken = action;
    }

    /** A stream chunk carrying content; the first one is the time to first token. */
    void contentChunk() {
        contentChunks.incrementAndGet();
        firstToken();
    }

    /** Records time to first token; only the first call counts. */
    private void firstToken() {
        Duration ttft = elapsed();
        if (timeToFirstToken.compareAndSet(null, ttft)) {
            onFirstToken.run();
            Timer.builder(InferenceMetrics.TTFT)
                    .description("Time from taking on a streamed request to its first content chunk")
                    .tags("model", model)
                    .publishPercentileHistogram()
                    .maximumExpectedValue(Duration.ofMinutes(5))
                    .register(registry)
                    .record(ttft);
        }
    }

    void usage(TokenUsage usage) {
        this.usage.set(usage);
        tokens("prompt", usage.prompt());
        tokens("cached", usage.cached());
        tokens("completion", usage.completion());
    }

    void finish(Outcome outcome) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        Duration total = elapsed();
        try {
            Counter.builder(InferenceMetrics.REQUESTS)
                    .tags("model", model, "outcome", outcome.tag(), "stream", stream)
                    .register(registry)
                    .increment();
            Timer.builder(InferenceMetrics.DURATION)
                    .description("Time from taking on a request to its last byte or failure")
                    .tags("model", model, "outcome", outcome.tag(), "stream", stream)
                    .publishPercentileHistogram()
                    .maximumExpectedValue(Duration.ofMinutes(30))
                    .register(registry)
                    .record(total);
        }
        finally {
            Duration ttft = timeToFirstToken.get();
            onFinish.accept(new FinishedRequest(outcome, Optional.ofNullable(usage.get()), ttft != null ? ttft : total,
                    engineCalled, contentChunks.get()));
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
