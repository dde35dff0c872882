package io.warmpath.session.redis;

import java.time.Duration;

import io.warmpath.devredis.LocalRedis;
import io.warmpath.devredis.LocalSentinel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * {@link FailoverTest} on a Sentinel setup of this test's own: with {@code replica-acks} 1 every acknowledged change
 * is on the replica the Sentinel promotes, and the service finds the new master through the Sentinel.
 */
@TestPropertySource(properties = {"warmpath.session.replica-acks=1", "warmpath.session.replica-ack-timeout=2s"})
class SentinelFailoverTest extends FailoverTest {

    private static LocalSentinel sentinel;

    @BeforeAll
    static void redisServerInstalled() {
        assumeThat(LocalRedis.installedServer()).as("Debian's redis-server (.ci/run installs it)").isPresent();
    }

    @DynamicPropertySource
    static void sentinel(DynamicPropertyRegistry registry) {
        if (LocalRedis.installedServer().isEmpty()) {
            return;
        }
        // Two replicas: after the failover the new master has one, which replica-acks 1 needs to take writes.
        sentinel = LocalSentinel.start(2, Duration.ofSeconds(1));
        registry.add("spring.data.redis.sentinel.master", () -> LocalSentinel.MASTER_NAME);
        registry.add("spring.data.redis.sentinel.nodes", sentinel::nodes);
    }

    @AfterAll
    static void stopSentinel() {
        if (sentinel != null) {
            sentinel.close();
        }
    }

    @Override
    void killTheMasterOf(String sessionId) throws InterruptedException {
        sentinel.killMaster();
    }
}
