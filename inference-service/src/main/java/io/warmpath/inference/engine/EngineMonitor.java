package io.warmpath.inference.engine;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.warmpath.inference.CellProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Polls the engine on a fixed interval and keeps the latest {@link EngineStatus}, so that {@code /cell/status} and
 * readiness answer from memory instead of adding a round trip to the engine for every gateway health check.
 */
@Component
public class EngineMonitor implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(EngineMonitor.class);

    private final WebClient engine;
    private final Duration interval;
    private final Duration pollTimeout;
    private final Clock clock;
    private final AtomicReference<EngineStatus> latest = new AtomicReference<>(EngineStatus.NOT_YET_POLLED);
    private volatile Disposable polling;

    EngineMonitor(WebClient engineWebClient, CellProperties cell) {
        this.engine = engineWebClient;
        this.interval = cell.statusInterval();
        this.pollTimeout = cell.timeouts().status();
        this.clock = Clock.systemUTC();
    }

    /** The latest snapshot; may be up to one interval old. */
    public EngineStatus current() {
        return latest.get();
    }

    /**
     * The context length ({@code max_model_len}) the engine last reported for {@code model}, or for its default model
     * (the first it serves) when {@code model} is {@code null}; empty when it has reported none for that model (not
     * polled yet, an engine whose /v1/models has no {@code max_model_len}, or a model it does not serve).
     */
    public OptionalInt contextLength(String model) {
        EngineStatus status = latest.get();
        String served = model != null ? model : status.models().stream().findFirst().orElse(null);
        Integer length = served == null ? null : status.contextLengths().get(served);
        return length == null ? OptionalInt.empty() : OptionalInt.of(length);
    }

    /**
     * Whether the engine is healthy as of a recent poll. A snapshot older than a few intervals counts as unhealthy,
     * so a stuck poller cannot keep a dead engine in rotation.
     */
    public boolean engineReady() {
        EngineStatus status = latest.get();
        Duration age = Duration.between(status.observedAt(), clock.instant());
        return status.healthy() && age.compareTo(interval.multipliedBy(3).plus(pollTimeout)) <= 0;
    }

    @Override
    public void start() {
        polling = Flux.interval(Duration.ZERO, interval)
                .onBackpressureDrop()
                // One poll at a time; ticks that arrive while a slow poll runs are dropped. A tick that fails in an
                // unforeseen way is skipped: one error must not end polling (readiness would then go stale for good).
                .concatMap(tick -> poll()
                        .doOnNext(this::update)
                        .onErrorResume(failure -> {
                            log.warn("Engine status poll failed: {}", failure.getClass().getName());
                            return Mono.empty();
                        }), 1)
                .subscribe();
    }

    @Override
    public void stop() {
        Disposable running = polling;
        if (running != null) {
            running.dispose();
        }
        polling = null;
    }

    @Override
    public boolean isRunning() {
        return polling != null;
    }

    private void update(EngineStatus next) {
        EngineStatus previous = latest.getAndSet(next);
        if (previous.healthy() != next.healthy()) {
            log.info("Engine health changed: healthy={} running={} waiting={} models={}",
                    next.healthy(), next.running(), next.waiting(), next.models().size());
        }
    }

    /** One poll; never fails: a part that cannot be fetched keeps its previous value (health becomes false). */
    private Mono<EngineStatus> poll() {
        EngineStatus previous = latest.get();
        Mono<Boolean> health = engine.get().uri("/health").retrieve().toBodilessEntity()
                .map(entity -> true)
                .timeout(pollTimeout)
                .onErrorReturn(false);
        Mono<Optional<PrometheusSamples>> metrics = engine.get().uri("/metrics").retrieve().bodyToMono(String.class)
                .map(text -> Optional.of(PrometheusSamples.parse(text)))
                .timeout(pollTimeout)
                .onErrorReturn(Optional.empty());
        Mono<Optional<ModelList>> models = engine.get().uri("/v1/models").retrieve().bodyToMono(ModelList.class)
                .map(Optional::of)
                .timeout(pollTimeout)
                .onErrorReturn(Optional.empty());
        return Mono.zip(health, metrics, models).map(parts -> {
            int running = parts.getT2().map(samples -> gauge(samples, "vllm:num_requests_running"))
                    .orElse(previous.running());
            int waiting = parts.getT2().map(samples -> gauge(samples, "vllm:num_requests_waiting"))
                    .orElse(previous.waiting());
            List<String> ids = parts.getT3().map(ModelList::ids).orElse(previous.models());
            Map<String, Integer> contextLengths = parts.getT3().map(ModelList::contextLengths)
                    .orElse(previous.contextLengths());
            return new EngineStatus(parts.getT1(), running, waiting, ids, contextLengths, clock.instant());
        });
    }

    private static int gauge(PrometheusSamples samples, String name) {
        return (int) Math.round(samples.sum(name).orElse(0));
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record ModelList(List<ModelEntry> data) {

        List<String> ids() {
            return data == null ? List.of() : data.stream().map(ModelEntry::id).toList();
        }

        /** Only positive lengths: an engine that reports none (or nonsense) leaves the bound to itself. */
        Map<String, Integer> contextLengths() {
            Map<String, Integer> lengths = new LinkedHashMap<>();
            if (data != null) {
                for (ModelEntry entry : data) {
                    if (entry.maxModelLen() != null && entry.maxModelLen() > 0) {
                        lengths.putIfAbsent(entry.id(), entry.maxModelLen());
                    }
                }
            }
            return lengths;
        }
    }

    /** vLLM's model card: its id and, since vLLM 0.4, the context length it serves the model with. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record ModelEntry(String id, @JsonProperty("max_model_len") Integer maxModelLen) {
    }
}
