package io.warmpath.session.budgets;

import java.util.Map;

import io.warmpath.session.SessionServiceTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class UsageApiTest extends SessionServiceTest {

    /**
     * Four kimi-k2.5 turns (USD per million: input 0.60, cached input 0.10, output 3.00):
     * <pre>
     * turn  prompt  cached  completion  ttft ms
     *  1     1000       0         200      120
     *  2     1500    1000         100       40
     *  3     2000    1500         300       30
     *  4     2500    2000         100       50
     * sum    7000    4500         700
     * </pre>
     * cost = 2500 uncached x 0.60 + 4500 cached x 0.10 + 700 x 3.00 per million = 0.0015 + 0.00045 + 0.0021 = 0.00405;
     * hit ratio 4500 / 7000; TTFT sorted 30, 40, 50, 120: nearest-rank p50 = 2nd = 40, p95 = 4th = 120.
     * One open reservation of 3000 prompt + 500 max tokens holds 3500 tokens and 0.0018 + 0.0015 = 0.0033 USD.
     */
    @Test
    void usageAddsUpTheLedgerOnAHandWorkedExample() {
        String id = (String) createSession(tenant, Map.of("workflow", "agent",
                "budgets", Map.of("max_total_tokens", 100000, "max_cost_usd", 1.00))).get("id");
        turn(id, 1000, 0, 200, 120);
        turn(id, 1500, 1000, 100, 40);
        turn(id, 2000, 1500, 300, 30);
        turn(id, 2500, 2000, 100, 50);
        post(tenant, "/internal/sessions/" + id + "/reservations", Map.of("model", "kimi-k2.5",
                "prompt_tokens", 3000, "max_tokens", 500)).expectStatus().isCreated();

        Map<?, ?> usage = get(tenant, "/v1/sessions/" + id + "/usage").expectStatus().isOk().expectBody(Map.class)
                .returnResult().getResponseBody();

        assertThat(usage.get("session_id")).isEqualTo(id);
        assertThat(usage.get("turns")).isEqualTo(4);
        assertThat(usage.get("prompt_tokens")).isEqualTo(7000);
        assertThat(usage.get("cached_tokens")).isEqualTo(4500);
        assertThat(usage.get("completion_tokens")).isEqualTo(700);
        assertThat(usage.get("cost_usd")).isEqualTo(0.00405);
        assertThat((Double) usage.get("cache_hit_ratio")).isCloseTo(4500.0 / 7000, within(1e-9));
        assertThat(usage.get("ttft_p50_ms")).isEqualTo(40);
        assertThat(usage.get("ttft_p95_ms")).isEqualTo(120);
        assertThat(usage.get("reserved_tokens")).isEqualTo(3500);
        assertThat(usage.get("reserved_cost_usd")).isEqualTo(0.0033);
        Map<?, ?> budgets = (Map<?, ?>) usage.get("budgets");
        assertThat(budgets.get("max_total_tokens")).isEqualTo(100000);
        assertThat(budgets.get("remaining_tokens")).isEqualTo(100000 - 7700 - 3500);
        assertThat(budgets.get("remaining_cost_usd")).isEqualTo(0.99265);
        assertThat(((Map<?, ?>) resolveBinding(id)).get("last_prompt_tokens")).isEqualTo(2500);
    }

    @Test
    void turnsTheGatewayRoutedByCostAreCountedWithWhatTheyWereExpectedToSave() {
        String id = (String) createSession(tenant, Map.of("workflow", "agent")).get("id");
        recordRouted(id, "llama-3.1-8b-instruct", "kimi-k2.5", 0.000570616, 0.001224);
        recordRouted(id, "kimi-k2.5", "llama-3.1-8b-instruct", 0.000224, 0.000570616);

        Map<?, ?> routing = (Map<?, ?>) get(tenant, "/v1/sessions/" + id + "/usage").expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody().get("model_routing");

        assertThat(routing.get("turns")).isEqualTo(2);
        // 653.384 + 346.616 micro-USD.
        assertThat(routing.get("saving_usd")).isEqualTo(0.001);
        assertThat(routing.get("last_model")).isEqualTo("kimi-k2.5");
        assertThat(routing.get("last_alternative")).isEqualTo("llama-3.1-8b-instruct");
    }

    private void recordRouted(String sessionId, String model, String alternative, double expected, double other) {
        post(tenant, "/internal/turns", Map.of("turns", java.util.List.of(Map.of("session_id", sessionId,
                "request_id", java.util.UUID.randomUUID().toString(), "prompt_tokens", 1000, "cached_tokens", 0,
                "completion_tokens", 10, "model", model, "model_route", Map.of("model", model,
                        "alternative", alternative, "expected_usd", expected, "alternative_usd", other)))))
                .expectStatus().isOk().expectBody().jsonPath("$.results[0].status").isEqualTo("recorded");
    }

    @Test
    void aFreshSessionHasAnEmptyLedger() {
        String id = (String) createSession(tenant, Map.of("workflow", "agent")).get("id");

        Map<?, ?> usage = get(tenant, "/v1/sessions/" + id + "/usage").expectStatus().isOk().expectBody(Map.class)
                .returnResult().getResponseBody();

        assertThat(usage.get("turns")).isEqualTo(0);
        assertThat(usage.get("cost_usd")).isEqualTo(0);
        assertThat(usage.get("cache_hit_ratio")).isNull();
        assertThat(usage.get("ttft_p50_ms")).isNull();
        assertThat(((Map<?, ?>) usage.get("budgets")).get("remaining_tokens")).isNull();
    }

    private void turn(String sessionId, int prompt, int cached, int completion, int ttftMs) {
        Map<?, ?> reservation = post(tenant, "/internal/sessions/" + sessionId + "/reservations",
                Map.of("model", "kimi-k2.5", "prompt_tokens", prompt, "max_tokens", 1000))
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        post(tenant, "/internal/reservations/" + reservation.get("reservation_id") + "/settle",
                Map.of("prompt_tokens", prompt, "cached_tokens", cached, "completion_tokens", completion,
                        "ttft_ms", ttftMs, "cell_id", "cell-1", "model", "kimi-k2.5")).expectStatus().isOk();
    }

    private Object resolveBinding(String sessionId) {
        put(tenant, "/internal/sessions/" + sessionId + "/binding", Map.of("cell_id", "cell-usage", "model",
                "kimi-k2.5", "reason", "new")).expectStatus().isOk();
        return get(tenant, "/v1/sessions/" + sessionId).expectBody(Map.class).returnResult().getResponseBody()
                .get("binding");
    }
}
