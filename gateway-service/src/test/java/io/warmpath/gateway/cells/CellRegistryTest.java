package io.warmpath.gateway.cells;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.warmpath.contracts.cells.CellStatus;
import io.warmpath.contracts.testing.MutableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;

import static org.assertj.core.api.Assertions.assertThat;

class CellRegistryTest {

    private static final Duration COOLDOWN = Duration.ofSeconds(10);

    private final MutableClock clock = new MutableClock();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final CellRegistry registry = new CellRegistry(COOLDOWN, clock, meters);

    @BeforeEach
    void twoCells() {
        registry.reconcile(List.of(instance("cell-1", 8090), instance("cell-2", 8091)));
    }

    @Test
    void discoveredCellIsNotRoutableBeforeItsFirstProbe() {
        assertThat(eligible("cell-1")).isFalse();
        registry.recordStatus("cell-1", ready());
        assertThat(eligible("cell-1")).isTrue();
    }

    @Test
    void cellThatSaysNotReadyOrFailsItsProbeIsUnhealthy() {
        registry.recordStatus("cell-1", ready());
        registry.recordStatus("cell-2", ready());

        registry.recordStatus("cell-1", new CellStatus("cell-1", "local", List.of("kimi-k2.5"), false, 0, 0, 0));
        registry.recordProbeFailure("cell-2", "ConnectException");

        assertThat(eligible("cell-1")).isFalse();
        assertThat(eligible("cell-2")).isFalse();
        assertThat(meters.get("warmpath.gateway.cells.healthy").gauge().value()).isZero();
    }

    @Test
    void ejectedCellReturnsOnlyAfterCooldownAndASuccessfulProbe() {
        registry.recordStatus("cell-1", ready());

        registry.eject("cell-1", EjectionReason.CONNECT_FAILURE);
        assertThat(eligible("cell-1")).isFalse();

        registry.recordStatus("cell-1", ready());
        assertThat(eligible("cell-1")).as("a probe during the cool-down does not re-admit").isFalse();

        clock.advance(COOLDOWN);
        assertThat(eligible("cell-1")).as("the cool-down alone does not re-admit").isFalse();

        registry.recordStatus("cell-1", ready());
        assertThat(eligible("cell-1")).isTrue();
        assertThat(meters.get("warmpath.gateway.cell.ejections").tag("reason", "connect_failure").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void leasesCountInFlightUntilReleasedOnce() {
        registry.recordStatus("cell-1", new CellStatus("cell-1", "local", List.of("kimi-k2.5"), true, 3, 2, 5));
        CellLease first = registry.acquire("cell-1");
        registry.acquire("cell-1");

        first.release();
        first.release();

        CellSnapshot cell = snapshot("cell-1");
        assertThat(cell.inFlight()).isEqualTo(1);
        assertThat(cell.load()).as("in flight plus reported waiting").isEqualTo(3);
    }

    @Test
    void loadSpreadIsMaxOverMeanOfInFlightAcrossHealthyCells() {
        registry.recordStatus("cell-1", ready());
        registry.recordStatus("cell-2", ready());
        registry.acquire("cell-1");
        registry.acquire("cell-1");
        registry.acquire("cell-1");
        registry.acquire("cell-2");

        assertThat(meters.get("warmpath.gateway.load.spread").gauge().value()).isEqualTo(1.5);
    }

    @Test
    void reconcileKeepsStateOfKnownCellsAndDropsDepartedOnes() {
        registry.recordStatus("cell-1", ready());
        registry.acquire("cell-1");

        registry.reconcile(List.of(instance("cell-1", 8090), instance("cell-3", 8092)));

        assertThat(registry.snapshot()).extracting(CellSnapshot::id).containsExactly("cell-1", "cell-3");
        assertThat(snapshot("cell-1").eligible()).isTrue();
        assertThat(snapshot("cell-1").inFlight()).isEqualTo(1);
    }

    @Test
    void reportedModelsReplaceDiscoveryMetadata() {
        assertThat(snapshot("cell-1").serves("kimi-k2.5")).isTrue();

        registry.recordStatus("cell-1", new CellStatus("cell-1", "local", List.of("small-model"), true, 0, 0, 0));

        assertThat(snapshot("cell-1").serves("small-model")).isTrue();
        assertThat(snapshot("cell-1").serves("kimi-k2.5")).isFalse();
    }

    private boolean eligible(String cellId) {
        return snapshot(cellId).eligible();
    }

    private CellSnapshot snapshot(String cellId) {
        return registry.snapshot().stream().filter(cell -> cell.id().equals(cellId)).findFirst().orElseThrow();
    }

    private static CellStatus ready() {
        return new CellStatus(null, "local", List.of(), true, 0, 0, 0);
    }

    static ServiceInstance instance(String cellId, int port) {
        return new DefaultServiceInstance(cellId, CellRegistry.SERVICE_ID, "127.0.0.1", port, false,
                Map.of(CellIds.CELL_ID, cellId, "model", "kimi-k2.5", "region", "local"));
    }
}
