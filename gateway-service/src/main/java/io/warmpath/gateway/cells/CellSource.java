package io.warmpath.gateway.cells;

import java.util.List;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A discovery client that knows only the inference cells and reads them with blocking I/O (a file, a DNS lookup):
 * {@link #current()} runs off the event loop, on each probe tick.
 */
abstract class CellSource implements ReactiveDiscoveryClient {

    @Override
    public final Flux<ServiceInstance> getInstances(String serviceId) {
        if (!CellRegistry.SERVICE_ID.equals(serviceId)) {
            return Flux.empty();
        }
        return Mono.fromCallable(this::current).subscribeOn(Schedulers.boundedElastic()).flatMapIterable(list -> list);
    }

    @Override
    public final Flux<String> getServices() {
        return Flux.just(CellRegistry.SERVICE_ID);
    }

    /** The cells as of now; blocks. */
    abstract List<ServiceInstance> current();
}
