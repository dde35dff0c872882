package io.warmpath.session.redis;

import java.time.Duration;

import io.lettuce.core.cluster.SlotHash;
import io.warmpath.devredis.LocalCluster;
import io.warmpath.devredis.LocalRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * {@link FailoverTest} on a Redis Cluster of this test's own (three masters, one replica each): the master of the
 * session's slot dies once its replica has every acknowledged change, the replica takes the slot over, and the
 * service follows the new topology.
 */
class ClusterFailoverTest extends FailoverTest {

    private static LocalCluster cluster;

    @BeforeAll
    static void redisServerInstalled() {
        assumeThat(LocalRedis.installedServer()).as("Debian's redis-server (.ci/run installs it)").isPresent();
    }

    @DynamicPropertySource
    static void cluster(DynamicPropertyRegistry registry) {
        if (LocalRedis.installedServer().isEmpty()) {
            return;
        }
        cluster = LocalCluster.start(1, Duration.ofSeconds(1));
        registry.add("spring.data.redis.cluster.nodes", cluster::nodes);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    void killTheMasterOf(String sessionId) throws InterruptedException {
        cluster.awaitReplication();
        cluster.kill(cluster.masterOf(SlotHash.getSlot(RedisKeys.session(sessionId))));
    }
}
