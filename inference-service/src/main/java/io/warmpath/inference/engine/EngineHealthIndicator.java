package io.warmpath.inference.engine;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health contributor "engine": UP while the engine's /health answers. It is part of the readiness group, so that a
 * cell whose engine is down is taken out of rotation while the cell process itself stays alive.
 */
@Component("engine")
class EngineHealthIndicator implements HealthIndicator {

    private final EngineMonitor monitor;

    EngineHealthIndicator(EngineMonitor monitor) {
        this.monitor = monitor;
    }

    @Override
    public Health health() {
        EngineStatus status = monitor.current();
        var health = monitor.engineReady() ? Health.up() : Health.down();
        return health.withDetail("running", status.running())
                .withDetail("waiting", status.waiting())
                .withDetail("observedAt", status.observedAt().toString())
                .build();
    }
}
