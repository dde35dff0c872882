package io.warmpath.session.context;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.warmpath.session.SessionServiceTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Checkpointing sessions and their checkpoints, against a real Redis. */
class CheckpointApiTest extends SessionServiceTest {

    private static final String HASH_A = "a".repeat(64);
    private static final String HASH_B = "b".repeat(64);

    @Test
    void aCheckpointingSessionNeedsAContextLimitAndDataTheSummarizerMayReceive() {
        post(tenant, "/v1/sessions", Map.of("workflow", "agent", "context_policy", "checkpoint"))
                .expectStatus().isBadRequest().expectBody().jsonPath("$.error.param").isEqualTo("context_policy");
        post(tenant, "/v1/sessions", Map.of("workflow", "agent", "context_policy", "checkpoint",
                "data_class", "confidential", "budgets", Map.of("max_context_tokens", 4000)))
                .expectStatus().isBadRequest().expectBody().jsonPath("$.error.param").isEqualTo("context_policy");
        post(tenant, "/v1/sessions", Map.of("workflow", "agent", "context_policy", "checkpoint",
                "region", "eu-west", "budgets", Map.of("max_context_tokens", 4000)))
                .expectStatus().isBadRequest().expectBody().jsonPath("$.error.param").isEqualTo("context_policy");
        post(tenant, "/v1/sessions", Map.of("workflow", "agent", "context_policy", "forget"))
                .expectStatus().isBadRequest().expectBody().jsonPath("$.error.param").isEqualTo("context_policy");

        Map<String, Object> created = checkpointing();
        assertThat(created).containsEntry("context_policy", "checkpoint");
        assertThat(createSession(tenant, Map.of("workflow", "agent"))).containsEntry("context_policy", "refuse");
    }

    @Test
    void aCheckpointIsStoredOnceFromEachStateAndReadBackWithTheSessionsLimit() {
        String id = (String) checkpointing().get("id");
        Map<?, ?> before = context(id);
        assertThat(before.get("context_policy")).isEqualTo("checkpoint");
        assertThat(before.get("max_context_tokens")).isEqualTo(4000);
        assertThat(before.get("checkpoint")).isNull();

        Map<?, ?> first = store(id, 4, HASH_A, 0).expectStatus().isOk().expectBody(Map.class).returnResult()
                .getResponseBody();
        assertThat(first.get("covered_messages")).isEqualTo(4);
        assertThat(first.get("created_at")).isNotNull();
        // Another cell checkpointed from the same state a moment later: it gets the stored checkpoint back.
        Map<?, ?> late = store(id, 6, HASH_B, 0).expectStatus().isOk().expectBody(Map.class).returnResult()
                .getResponseBody();
        assertThat(late.get("covered_hash")).isEqualTo(HASH_A);
        store(id, 8, HASH_B, 4).expectStatus().isOk().expectBody().jsonPath("$.covered_messages").isEqualTo(8);

        Map<?, ?> checkpoint = (Map<?, ?>) context(id).get("checkpoint");
        assertThat(checkpoint.get("covered_hash")).isEqualTo(HASH_B);
        assertThat(checkpoint.get("summary")).isEqualTo("The user asked about the build; it is fixed.");
        Map<?, ?> report = usage(id);
        assertThat(report.get("count")).isEqualTo(2);
        assertThat(report.get("covered_messages")).isEqualTo(8);
    }

    @Test
    void turnsReportWhetherTheCheckpointWasAppliedOrTheirHistoryDidNotMatch() {
        String id = (String) checkpointing().get("id");
        store(id, 4, HASH_A, 0).expectStatus().isOk();

        reserveAndSettle(id, Map.of("applied", true, "tokens_removed", 1500));
        reserveAndSettle(id, Map.of("applied", true, "tokens_removed", 1600));
        reserveAndSettle(id, Map.of("mismatch", true));

        Map<?, ?> report = usage(id);
        assertThat(report.get("turns_applied")).isEqualTo(2);
        assertThat(report.get("tokens_removed")).isEqualTo(3100);
        assertThat(report.get("mismatches")).isEqualTo(1);
    }

    @Test
    void aCheckpointBringsTheSessionsToolSetUpForDecisionAgain() {
        String id = (String) checkpointing().get("id");
        post(tenant, "/internal/sessions/" + id + "/tool-set", Map.of("offered", List.of("read_log")))
                .expectStatus().isOk();
        assertThat(toolTrimming(id).get("decided")).isEqualTo(true);

        store(id, 4, HASH_A, 0).expectStatus().isOk();

        assertThat(toolTrimming(id).get("decided")).isEqualTo(false);
    }

    @Test
    void aSessionThatRefusesHasNoCheckpointsAndAnotherTenantsIsNotFound() {
        String refusing = (String) createSession(tenant, Map.of("workflow", "agent",
                "budgets", Map.of("max_context_tokens", 4000))).get("id");
        store(refusing, 4, HASH_A, 0).expectStatus().isEqualTo(409).expectBody()
                .jsonPath("$.error.code").isEqualTo("checkpoints_off");

        String id = (String) checkpointing().get("id");
        String other = "tenant-" + UUID.randomUUID();
        get(other, "/internal/sessions/" + id + "/context").expectStatus().isNotFound();
        put(other, "/internal/sessions/" + id + "/checkpoint", checkpoint(4, HASH_A, 0)).expectStatus().isNotFound();
        put(tenant, "/internal/sessions/" + id + "/checkpoint", checkpoint(4, "not-a-hash", 0))
                .expectStatus().isBadRequest().expectBody().jsonPath("$.error.param").isEqualTo("covered_hash");
        assertThat(context(id).get("checkpoint")).as("nothing stored by refused calls").isNull();
    }

    private Map<String, Object> checkpointing() {
        return createSession(tenant, Map.of("workflow", "agent", "context_policy", "checkpoint",
                "budgets", Map.of("max_context_tokens", 4000)));
    }

    private Map<?, ?> context(String id) {
        return get(tenant, "/internal/sessions/" + id + "/context").expectStatus().isOk().expectBody(Map.class)
                .returnResult().getResponseBody();
    }

    private org.springframework.test.web.servlet.client.RestTestClient.ResponseSpec store(String id, int covered,
            String hash, int previous) {
        return put(tenant, "/internal/sessions/" + id + "/checkpoint", checkpoint(covered, hash, previous));
    }

    private static Map<String, Object> checkpoint(int covered, String hash, int previous) {
        return Map.of("covered_messages", covered, "covered_hash", hash, "previous_covered", previous,
                "summary", "The user asked about the build; it is fixed.", "summary_tokens", 12);
    }

    private Map<?, ?> usage(String id) {
        return (Map<?, ?>) get(tenant, "/v1/sessions/" + id + "/usage").expectStatus().isOk().expectBody(Map.class)
                .returnResult().getResponseBody().get("checkpoints");
    }

    private Map<?, ?> toolTrimming(String id) {
        return (Map<?, ?>) get(tenant, "/v1/sessions/" + id + "/usage").expectStatus().isOk().expectBody(Map.class)
                .returnResult().getResponseBody().get("tool_trimming");
    }

    private void reserveAndSettle(String id, Map<String, Object> checkpointUse) {
        Map<?, ?> reservation = post(tenant, "/internal/sessions/" + id + "/reservations",
                Map.of("model", "kimi-k2.5", "prompt_tokens", 1000, "max_tokens", 100))
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        Map<String, Object> settle = new HashMap<>(Map.of("prompt_tokens", 1000, "cached_tokens", 0,
                "completion_tokens", 10, "model", "kimi-k2.5"));
        settle.put("checkpoint_use", checkpointUse);
        post(tenant, "/internal/reservations/" + reservation.get("reservation_id") + "/settle", settle)
                .expectStatus().isOk();
    }
}
