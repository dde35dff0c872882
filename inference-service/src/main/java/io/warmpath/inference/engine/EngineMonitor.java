package io.warmpath.inference.engine;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
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
        Mono<Optional<List<String>>> models = engine.get().uri("/v1/models").retrieve().bodyToMono(ModelList.class)
                .map(list -> Optional.of(list.ids()))
                .timeout(pollTimeout)
                .onErrorReturn(Optional.empty());
        return Mono.zip(health, metrics, models).map(parts -> {
            int running = parts.getT2().map(samples -> gauge(samples, "vllm:num_requests_running"))
                    .orElse(previous.running());
            int waiting = parts.getT2().map(samples -> gauge(samples, "vllm:num_requests_waiting"))
                    .orElse(previous.waiting());
            return new EngineStatus(parts.getT1(), running, waiting, parts.getT3().orElse(previous.models()),
                    clock.instant());
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
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record ModelEntry(String id) {
    }
}
