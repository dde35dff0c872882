package io.warmpath.session.tools;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.warmpath.session.SessionServiceTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tool sets against a real Redis, with workflows judged over their last 3 turns that offered tools (the test
 * context's {@code warmpath.session.tool-trimming.window}).
 */
class ToolTrimmingApiTest extends SessionServiceTest {

    private static final List<String> OFFERED = List.of("read_log", "run_job", "deploy");

    @Test
    void aWorkflowTrimsNothingUntilItHasBeenWatchedForAWholeWindow() {
        String watched = session("build");
        turn(watched, true, List.of("read_log"), 0);
        turn(watched, true, List.of(), 0);

        assertThat(toolSet(session("build"), OFFERED)).as("two turns of three").isEmpty();
    }

    @Test
    void toolsTheWorkflowHasNotCalledInItsWindowAreTrimmedAndTheDecisionHoldsForTheSession() {
        String watched = session("build");
        turn(watched, true, List.of("read_log"), 0);
        // A turn without tools ages no tool.
        turn(watched, false, List.of(), 0);
        turn(watched, true, List.of(), 0);
        turn(watched, true, List.of(), 0);

        String session = session("build");
        assertThat(toolSet(session, OFFERED)).as("read_log was called 2 turns ago").containsExactly("run_job", "deploy");
        assertThat(toolSet(session, List.of("read_log", "deploy", "new_tool", "run_job")))
                .as("decided once: a tool offered later is kept, the order of the offer changes nothing")
                .containsExactly("run_job", "deploy");

        // The model called a trimmed tool it saw in the history: that turn saved tokens, and the tool is in use again.
        turn(session, true, List.of("deploy"), 300);
        turn(session, true, List.of(), 200);
        Map<?, ?> trimming = (Map<?, ?>) get(tenant, "/v1/sessions/" + session + "/usage").expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody().get("tool_trimming");
        assertThat(trimming.get("decided")).isEqualTo(true);
        assertThat(trimming.get("trimmed_tools")).isEqualTo(List.of("run_job", "deploy"));
        assertThat(trimming.get("tokens_saved")).isEqualTo(500);
        assertThat(toolSet(session, OFFERED)).as("still, until a checkpoint").containsExactly("run_job", "deploy");

        assertThat(toolSet(session("build"), OFFERED))
                .as("a new session: deploy was called since, read_log is now 4 turns old")
                .containsExactly("read_log", "run_job");
    }

    @Test
    void aSessionWithoutToolsYetHasNoDecision() {
        Map<?, ?> usage = get(tenant, "/v1/sessions/" + session("build") + "/usage").expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();

        assertThat(usage.get("tool_trimming"))
                .isEqualTo(Map.of("decided", false, "trimmed_tools", List.of(), "tokens_saved", 0));
    }

    @Test
    void workflowsAreTheirTenantsOwnAndOtherWorkflowsTrimNothingOfThem() {
        String watched = session("build");
        for (int i = 0; i < 3; i++) {
            turn(watched, true, List.of(), 0);
        }
        assertThat(toolSet(session("build"), OFFERED)).hasSize(3);
        assertThat(toolSet(session("review"), OFFERED)).isEmpty();
        String otherTenant = "tenant-" + UUID.randomUUID();
        String theirs = (String) createSession(otherTenant, Map.of("workflow", "build")).get("id");
        assertThat(post(otherTenant, "/internal/sessions/" + theirs + "/tool-set", Map.of("offered", OFFERED))
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody().get("trimmed"))
                .isEqualTo(List.of());
    }

    @Test
    void aTenantWithTrimmingOffAndASessionWithoutAWorkflowTrimNothing() {
        tenant = "untrimmed";
        String watched = session("build");
        for (int i = 0; i < 3; i++) {
            turn(watched, true, List.of(), 0);
        }
        assertThat(toolSet(session("build"), OFFERED)).isEmpty();
    }

    @Test
    void anotherTenantsSessionIsNotFoundAndBadOffersAreRefused() {
        String session = session("build");
        post("tenant-" + UUID.randomUUID(), "/internal/sessions/" + session + "/tool-set", Map.of("offered", OFFERED))
                .expectStatus().isNotFound().expectBody()
                .jsonPath("$.error.code").isEqualTo("session_not_found");
        post(tenant, "/internal/sessions/ses_nope/tool-set", Map.of("offered", OFFERED))
                .expectStatus().isNotFound();
        post(tenant, "/internal/sessions/" + session + "/tool-set", Map.of("offered", List.of()))
                .expectStatus().isBadRequest().expectBody()
                .jsonPath("$.error.param").isEqualTo("offered");
        post(tenant, "/internal/sessions/" + session + "/tool-set", Map.of("offered", List.of("a\nb")))
                .expectStatus().isBadRequest();

        Map<?, ?> trimming = (Map<?, ?>) get(tenant, "/v1/sessions/" + session + "/usage").expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody().get("tool_trimming");
        assertThat(trimming.get("decided")).as("nothing was decided by a refused call").isEqualTo(false);
    }

    private String session(String workflow) {
        return (String) createSession(tenant, Map.of("workflow", workflow)).get("id");
    }

    @SuppressWarnings("unchecked")
    private List<String> toolSet(String session, List<String> offered) {
        return (List<String>) post(tenant, "/internal/sessions/" + session + "/tool-set", Map.of("offered", offered))
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody().get("trimmed");
    }

    /** A served turn of a session without limits, as its cell records it. */
    private void turn(String session, boolean offered, List<String> called, long trimmedTokens) {
        Map<String, Object> turn = new HashMap<>(Map.of("session_id", session, "request_id",
                UUID.randomUUID().toString(), "prompt_tokens", 1000, "cached_tokens", 0, "completion_tokens", 10,
                "model", "kimi-k2.5"));
        turn.put("tool_use", Map.of("offered", offered, "called", called, "trimmed_tools", trimmedTokens > 0 ? 2 : 0,
                "trimmed_tokens", trimmedTokens));
        post(tenant, "/internal/turns", Map.of("turns", List.of(turn))).expectStatus().isOk().expectBody()
                .jsonPath("$.results[0].status").isEqualTo("recorded");
    }
}
