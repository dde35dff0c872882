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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * A master of a Sentinel setup of this test's own dies with budget changes just acknowledged: with
 * {@code replica-acks} 1 every acknowledged change is on the replica the Sentinel promotes, so none is lost, and the
 * service serves again (through the new master) once the promotion is done.
 */
@TestPropertySource(properties = {"warmpath.session.replica-acks=1", "warmpath.session.replica-ack-timeout=2s"})
class SentinelFailoverTest extends SessionServiceTest {

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

    @Test
    void killingTheMasterLosesNoAcknowledgedBudgetAndTheServiceRecoversOnThePromotedReplica() throws Exception {
        String id = (String) createSession(tenant, Map.of("workflow", "agent",
                "budgets", Map.of("max_total_tokens", 10_000))).get("id");
        for (int turn = 0; turn < 5; turn++) {
            Map<?, ?> reservation = post(tenant, "/internal/sessions/" + id + "/reservations",
                    Map.of("model", "kimi-k2.5", "prompt_tokens", 300, "max_tokens", 100))
                    .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
            post(tenant, "/internal/reservations/" + reservation.get("reservation_id") + "/settle",
                    Map.of("prompt_tokens", 300, "completion_tokens", 50, "model", "kimi-k2.5"))
                    .expectStatus().isOk();
        }
        // One more hold, acknowledged just before the crash.
        post(tenant, "/internal/sessions/" + id + "/reservations",
                Map.of("model", "kimi-k2.5", "prompt_tokens", 300, "max_tokens", 1000)).expectStatus().isCreated();

        sentinel.killMaster();

        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Map<?, ?> usage = null;
        while (System.nanoTime() < deadline) {
            var response = get(tenant, "/v1/sessions/" + id + "/usage").expectBody(Map.class).returnResult();
            if (response.getStatus().value() == 200) {
                usage = response.getResponseBody();
                break;
            }
            assertThat(response.getStatus().value()).as("unavailable, never wrong, while failing over")
                    .isEqualTo(503);
            Thread.sleep(200);
        }
        assertThat(usage).as("served again within 30 s of the master's death").isNotNull();
        assertThat(usage.get("turns")).isEqualTo(5);
        assertThat(usage.get("prompt_tokens")).isEqualTo(1500);
        assertThat(usage.get("completion_tokens")).isEqualTo(250);
        // 1,750 used and 1,300 held: 7,000 more tokens do not fit in 10,000, 6,900 do. Writes wait until the other
        // replica follows the new master (503 meanwhile).
        assertThat(reserveOnceWritable(id, 6_000)).isEqualTo(429);
        post(tenant, "/internal/sessions/" + id + "/reservations",
                Map.of("model", "kimi-k2.5", "prompt_tokens", 5_900, "max_tokens", 1_000))
                .expectStatus().isCreated();
    }

    private int reserveOnceWritable(String id, int promptTokens) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            int status = post(tenant, "/internal/sessions/" + id + "/reservations",
                    Map.of("model", "kimi-k2.5", "prompt_tokens", promptTokens, "max_tokens", 1_000))
                    .returnResult().getStatus().value();
            if (status != 503 || System.nanoTime() > deadline) {
                return status;
            }
            Thread.sleep(200);
        }
    }
}
