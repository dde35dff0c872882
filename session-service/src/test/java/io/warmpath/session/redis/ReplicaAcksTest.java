package io.warmpath.session.redis;

import java.time.Duration;
import java.util.Map;

import io.warmpath.devredis.LocalRedis;
import io.warmpath.devredis.LocalSentinel;
import io.warmpath.session.SessionServiceTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * With {@code replica-acks} 1, a budget change that no replica acknowledges in time is not acknowledged either: the
 * replica of this test's own Sentinel setup is frozen, and the reservation must be a 503.
 */
@TestPropertySource(properties = {"warmpath.session.replica-acks=1", "warmpath.session.replica-ack-timeout=300ms"})
class ReplicaAcksTest extends SessionServiceTest {

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
        // A long down-after: the frozen replica must not be failed over to or away from during the test.
        sentinel = LocalSentinel.start(1, Duration.ofSeconds(30));
        registry.add("spring.data.redis.sentinel.master", () -> LocalSentinel.MASTER_NAME);
        registry.add("spring.data.redis.sentinel.nodes", sentinel::nodes);
    }

    @AfterAll
    static void stopSentinel() throws Exception {
        if (sentinel != null) {
            sentinel.freezeReplicas(false);
            sentinel.close();
        }
    }

    @Test
    void aReservationNoReplicaAcknowledgesIsRefused() throws Exception {
        String id = (String) createSession(tenant, Map.of("workflow", "agent",
                "budgets", Map.of("max_total_tokens", 10_000))).get("id");
        Map<String, Object> reservation = Map.of("model", "kimi-k2.5", "prompt_tokens", 300, "max_tokens", 100);
        post(tenant, "/internal/sessions/" + id + "/reservations", reservation).expectStatus().isCreated();

        sentinel.freezeReplicas(true);
        try {
            post(tenant, "/internal/sessions/" + id + "/reservations", reservation).expectStatus().isEqualTo(503);
        } finally {
            sentinel.freezeReplicas(false);
        }
        post(tenant, "/internal/sessions/" + id + "/reservations", reservation).expectStatus().isCreated();
    }
}
