package io.warmpath.gateway.cells;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.warmpath.contracts.cells.CellStatus;
import io.warmpath.routing.Cell;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.client.ServiceInstance;

/**
 * The cells the gateway can route to, with their health and load. Membership comes from discovery
 * ({@link #reconcile}); health from probes ({@link #recordStatus}, {@link #recordProbeFailure}) and from failed
 * calls ({@link #eject}); load from {@link #acquire leases} held while a request is in flight.
 *
 * <p>An ejected cell stays out for the cool-down and returns only when a probe after the cool-down succeeds.
 * Thread-safe and non-blocking: routing reads it on the event loop.
 */
public final class CellRegistry {

    /** The discovery service id of the inference cells, and the {@code lb://} host of the inference routes. */
    public static final String SERVICE_ID = "inference-cells";

    private static final Logger log = LoggerFactory.getLogger(CellRegistry.class);

    private final Duration ejectionCooldown;
    private final Clock clock;
    private final Map<String, TrackedCell> cells = new ConcurrentHashMap<>();
    private final Map<EjectionReason, Counter> ejections = new EnumMap<>(EjectionReason.class);

    public CellRegistry(Duration ejectionCooldown, Clock clock, MeterRegistry meterRegistry) {
        this.ejectionCooldown = ejectionCooldown;
        this.clock = clock;
        for (EjectionReason reason : EjectionReason.values()) {
            ejections.put(reason, Counter.builder("warmpath.gateway.cell.ejections")
                    .description("Cells taken out of routing after a failed call, by reason")
                    .tag("reason", reason.tag())
                    .register(meterRegistry));
        }
        Gauge.builder("warmpath.gateway.cells.healthy", this, CellRegistry::eligibleCount)
                .description("Cells that are healthy and not ejected")
                .register(meterRegistry);
        Gauge.builder("warmpath.gateway.load.spread", this, CellRegistry::loadSpread)
                .description("Max over mean of the gateway's in-flight requests across healthy cells (1 = even)")
                .register(meterRegistry);
    }

    /** Makes the known cells those discovery lists now; cells already known keep their health and load. */
    public void reconcile(Collection<ServiceInstance> discovered) {
        Set<String> present = new HashSet<>();
        for (ServiceInstance instance : discovered) {
            String id = CellIds.of(instance);
            if (!present.add(id)) {
                log.warn("Two discovered instances claim cell id {}; keeping the first", id);
                continue;
            }
            cells.compute(id, (key, known) -> known != null && known.sameRegistration(instance)
                    ? known
                    : new TrackedCell(toCell(id, instance), instance));
        }
        cells.keySet().removeIf(id -> {
            boolean gone = !present.contains(id);
            if (gone) {
                log.info("Cell {} left discovery", id);
            }
            return gone;
        });
    }

    /** A probe answered: the cell is healthy if it says ready, unless it is still cooling down after an ejection. */
    public void recordStatus(String cellId, CellStatus status) {
        TrackedCell cell = cells.get(cellId);
        if (cell == null) {
            return;
        }
        // Waiting in its engine and in its admission lanes: either way ahead of the next request.
        cell.waiting = Math.max(0, status.waiting()) + (status.queued() == null ? 0 : Math.max(0, status.queued()));
        if (status.models() != null && !status.models().isEmpty()) {
            cell.models = Set.copyOf(status.models());
        }
        if (clock.instant().isBefore(cell.ejectedUntil)) {
            return;
        }
        if (status.ready() != cell.probedHealthy) {
            log.info("Cell {} is now {}", cellId, status.ready() ? "healthy" : "not ready");
        }
        cell.probedHealthy = status.ready();
    }

    /** A probe failed (refused, timed out, or an error status): the cell is unhealthy until a probe succeeds. */
    public void recordProbeFailure(String cellId, String reason) {
        TrackedCell cell = cells.get(cellId);
        if (cell == null) {
            return;
        }
        if (cell.probedHealthy) {
            log.warn("Cell {} failed its status probe ({}); taking it out of routing", cellId, reason);
        }
        cell.probedHealthy = false;
    }

    /** A call to the cell failed in a way that says the cell is down: take it out for the cool-down. */
    public void eject(String cellId, EjectionReason reason) {
        TrackedCell cell = cells.get(cellId);
        if (cell == null) {
            return;
        }
        Instant until = clock.instant().plus(ejectionCooldown);
        boolean wasEligible = cell.eligibleAt(clock.instant());
        cell.ejectedUntil = until;
        cell.probedHealthy = false;
        ejections.get(reason).increment();
        if (wasEligible) {
            log.warn("Ejected cell {} for {} ({})", cellId, ejectionCooldown, reason.tag());
        }
    }

    /** Counts one request as in flight on the cell until the lease is released. */
    public CellLease acquire(String cellId) {
        TrackedCell cell = cells.get(cellId);
        return cell == null ? CellLease.NONE : cell.lease();
    }

    /** All known cells, ordered by id, as of now. */
    public List<CellSnapshot> snapshot() {
        Instant now = clock.instant();
        return cells.values().stream()
                .map(cell -> cell.snapshotAt(now))
                .sorted(Comparator.comparing(CellSnapshot::id))
                .toList();
    }

    int eligibleCount() {
        Instant now = clock.instant();
        return (int) cells.values().stream().filter(cell -> cell.eligibleAt(now)).count();
    }

    double loadSpread() {
        Instant now = clock.instant();
        int count = 0;
        long total = 0;
        int max = 0;
        for (TrackedCell cell : cells.values()) {
            if (cell.eligibleAt(now)) {
                int inFlight = cell.inFlight.get();
                count++;
                total += inFlight;
                max = Math.max(max, inFlight);
            }
        }
        return total == 0 ? 0.0 : max / ((double) total / count);
    }

    private static Cell toCell(String id, ServiceInstance instance) {
        Map<String, String> metadata = instance.getMetadata();
        return new Cell(id, metadata.getOrDefault("model", ""), metadata.getOrDefault("region", "unknown"), metadata);
    }
}
