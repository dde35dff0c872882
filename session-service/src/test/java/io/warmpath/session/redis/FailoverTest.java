package io.warmpath.session.redis;

import java.time.Duration;
import java.util.Map;

import io.warmpath.session.SessionServiceTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The master that holds a session dies right after budget changes were acknowledged and copied to its replica: the
 * service answers 503, never a wrong figure, while the replica is promoted, then serves again with every turn and
 * hold in place and the budget still enforced. Subclasses bring the Redis setup and the kill.
 */
abstract class FailoverTest extends SessionServiceTest {

    /** Kills the master that holds the session's keys, once its replicas have every acknowledged change. */
    abstract void killTheMasterOf(String sessionId) throws Exception;

    @Test
    void killingTheMasterLosesNoCopiedBudgetAndTheServiceRecoversOnThePromotedReplica() throws Exception {
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

        killTheMasterOf(id);

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
        // 1,750 used and 1,300 held: 7,000 more tokens do not fit in 10,000, 6,900 do. Writes may be refused with
        // a 503 for a while after the promotion.
        assertThat(reserveOnceWritable(id, 6_000)).isEqualTo(429);
        post(tenant, "/internal/sessions/" + id + "/reservations",
                Map.of("model", "kimi-k2.5", "prompt_tokens", 5_900, "max_tokens", 1_000))
                .expectStatus().isCreated();
        // New sessions open too, wherever their slots are.
        for (int i = 0; i < 10; i++) {
            assertThat(resolve(tenant, "after-failover-" + i)).containsKey("session_id");
        }
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
