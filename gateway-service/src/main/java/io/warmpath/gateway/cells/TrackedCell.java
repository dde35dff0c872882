package io.warmpath.gateway.cells;

import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.warmpath.routing.Cell;
import org.springframework.cloud.client.ServiceInstance;

/** The mutable state of one known cell; fields are written by probes and calls, read by routing. */
final class TrackedCell {

    final Cell cell;
    final ServiceInstance instance;
    final AtomicInteger inFlight = new AtomicInteger();

    /** The latest probe answered and said ready (and came after any ejection's cool-down). */
    volatile boolean probedHealthy;
    volatile Set<String> models;
    volatile int waiting;
    volatile Instant ejectedUntil = Instant.MIN;

    TrackedCell(Cell cell, ServiceInstance instance) {
        this.cell = cell;
        this.instance = instance;
        this.models = cell.model().isEmpty() ? Set.of() : Set.of(cell.model());
    }

    boolean eligibleAt(Instant now) {
        return probedHealthy && !now.isBefore(ejectedUntil);
    }

    boolean sameRegistration(ServiceInstance other) {
        return instance.getUri().equals(other.getUri()) && instance.getMetadata().equals(other.getMetadata());
    }

    CellLease lease() {
        inFlight.incrementAndGet();
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                inFlight.decrementAndGet();
            }
        };
    }

    CellSnapshot snapshotAt(Instant now) {
        return new CellSnapshot(cell, instance, models, eligibleAt(now), inFlight.get(), waiting);
    }
}
