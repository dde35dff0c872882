package io.warmpath.gateway.cells;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.warmpath.gateway.sessions.StubPorts;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

import static org.assertj.core.api.Assertions.assertThat;

class CellProberTest {

    @Test
    void probingGoesOnAfterARoundFailsUnexpectedly() {
        CellRegistry registry = new CellRegistry(Duration.ofSeconds(10), Clock.systemUTC(), new SimpleMeterRegistry());
        FailingOnceDiscovery discovery = new FailingOnceDiscovery(
                CellRegistryTest.instance("cell-1", StubPorts.closedPort()));
        CellProber prober = new CellProber(discovery, registry, WebClient.create(), () -> "assertion",
                Duration.ofMillis(20), Duration.ofMillis(200));

        prober.start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (registry.snapshot().isEmpty()) {
                assertThat(System.nanoTime()).as("a later round discovered the cell").isLessThan(deadline);
                LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
            }
        } finally {
            prober.stop();
        }
        assertThat(discovery.calls.get()).isGreaterThan(1);
        assertThat(registry.snapshot()).extracting(CellSnapshot::id).containsExactly("cell-1");
    }

    /** Throws (not a failed Flux: a bug, outside any reactive error handling) on its first call only. */
    private static final class FailingOnceDiscovery implements ReactiveDiscoveryClient {

        final AtomicInteger calls = new AtomicInteger();
        private final ServiceInstance cell;

        FailingOnceDiscovery(ServiceInstance cell) {
            this.cell = cell;
        }

        @Override
        public String description() {
            return "fails once";
        }

        @Override
        public Flux<ServiceInstance> getInstances(String serviceId) {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("unexpected");
            }
            return Flux.just(cell);
        }

        @Override
        public Flux<String> getServices() {
            return Flux.just(CellRegistry.SERVICE_ID);
        }
    }
}
