package io.warmpath.devredis;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

class LocalClusterTest {

    @Test
    void threeMastersServeEverySlotAndAReplicaTakesOverFromADeadMaster() throws InterruptedException {
        assumeThat(LocalRedis.installedServer()).as("Debian's redis-server (.ci/run installs it)").isPresent();
        try (LocalCluster cluster = LocalCluster.start(1, Duration.ofSeconds(1))) {
            List<Integer> masters = cluster.masterPorts();
            assertThat(masters).hasSize(3);
            assertThat(cluster.nodes().split(",")).hasSize(6);
            assertThat(List.of(cluster.masterOf(0), cluster.masterOf(8000), cluster.masterOf(16383)))
                    .allMatch(masters::contains).doesNotHaveDuplicates();

            int dead = cluster.masterOf(0);
            cluster.kill(dead);

            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (cluster.masterPorts().size() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(cluster.masterPorts()).hasSize(3).doesNotContain(dead);
            assertThat(cluster.masterOf(0)).isNotEqualTo(dead);
        }
    }
}
