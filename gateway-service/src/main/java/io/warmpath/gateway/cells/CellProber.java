package io.warmpath.gateway.cells;

import java.time.Duration;
import java.util.function.Supplier;

import io.warmpath.contracts.cells.CellApi;
import io.warmpath.contracts.cells.CellStatus;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.context.SmartLifecycle;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.support.WebClientAdapter;
import org.springframework.web.service.invoker.HttpServiceProxyFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Active health checks: on every tick, re-reads the cells from discovery (or the cells file) and polls each cell's
 * {@code GET /cell/status}. A cell that answers {@code ready: true} is healthy; one that fails, times out or says
 * not ready is not.
 */
public final class CellProber implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(CellProber.class);

    private final ReactiveDiscoveryClient discovery;
    private final CellRegistry registry;
    private final CellApi cells;
    private final Supplier<String> assertion;
    private final Duration interval;
    private final Duration timeout;
    private volatile @Nullable Disposable ticking;

    /**
     * @param assertion the gateway's own assertion for reading a cell's status (reused while fresh)
     */
    CellProber(ReactiveDiscoveryClient discovery, CellRegistry registry, WebClient webClient,
            Supplier<String> assertion, Duration interval, Duration timeout) {
        this.discovery = discovery;
        this.registry = registry;
        this.cells = HttpServiceProxyFactory.builderFor(WebClientAdapter.create(webClient)).build()
                .createClient(CellApi.class);
        this.assertion = assertion;
        this.interval = interval;
        this.timeout = timeout;
    }

    /** One round: refresh membership from discovery, then probe every cell. Completes when all probes have. */
    public Mono<Void> refresh() {
        return discovery.getInstances(CellRegistry.SERVICE_ID)
                .collectList()
                .doOnNext(registry::reconcile)
                .onErrorResume(failure -> {
                    // Keep routing to the cells we know rather than to none.
                    log.warn("Discovery of {} failed: {}", CellRegistry.SERVICE_ID, failure.toString());
                    return Mono.empty();
                })
                .thenMany(Flux.defer(() -> Flux.fromIterable(registry.snapshot())))
                .flatMap(cell -> probe(cell.id(), cell.instance()))
                .then();
    }

    private Mono<Void> probe(String cellId, ServiceInstance instance) {
        return Mono.defer(() -> cells.status(instance.getUri().resolve(CellStatus.PATH), "Bearer " + assertion.get()))
                .timeout(timeout)
                .doOnNext(status -> registry.recordStatus(cellId, status))
                .switchIfEmpty(Mono.fromRunnable(() -> registry.recordProbeFailure(cellId, "empty status")))
                .onErrorResume(failure -> {
                    registry.recordProbeFailure(cellId, failure.getClass().getSimpleName());
                    return Mono.empty();
                })
                .then();
    }

    @Override
    public void start() {
        ticking = Flux.interval(Duration.ZERO, interval)
                .onBackpressureDrop()
                .concatMap(tick -> guardedRefresh(), 1)
                .subscribe(null, failure -> log.error("Cell probing stopped", failure));
    }

    /** One round that cannot end the polling: an unexpected failure is logged and the next tick tries again. */
    private Mono<Void> guardedRefresh() {
        return Mono.defer(this::refresh)
                .onErrorResume(failure -> {
                    log.error("Cell probe round failed; probing again next tick", failure);
                    return Mono.empty();
                });
    }

    @Override
    public void stop() {
        Disposable current = ticking;
        if (current != null) {
            current.dispose();
        }
        ticking = null;
    }

    @Override
    public boolean isRunning() {
        return ticking != null;
    }
}
