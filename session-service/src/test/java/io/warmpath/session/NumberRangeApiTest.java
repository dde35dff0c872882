package io.warmpath.session;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.test.web.servlet.client.RestTestClient;
import org.springframework.test.web.servlet.client.RestTestClient.BodyContentSpec;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Numbers clients send are checked for scale and range before any arithmetic: a 400 naming the field, at once. The
 * client gives up after a few seconds, so a number that would stall the service fails the test instead of hanging it.
 */
class NumberRangeApiTest extends SessionServiceTest {

    @LocalServerPort
    int port;

    private RestTestClient impatient;

    @BeforeEach
    void impatientClient() {
        JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory();
        requests.setReadTimeout(Duration.ofSeconds(5));
        impatient = RestTestClient.bindToServer(requests).baseUrl("http://127.0.0.1:" + port).build();
    }

    @Test
    void costBudgetWithAHugeExponentIsRefusedAtOnceNamingTheField() {
        for (String cost : new String[] {"1e-300000000", "1E+300000000", "9e999999", "-1e-300000000", "1e-10",
                "0.0000000001", "12345678.5", "0", "-1", "1000000.000000001"}) {
            createSession("{\"workflow\":\"a\",\"budgets\":{\"max_cost_usd\":" + cost + "}}")
                    .jsonPath("$.error.code").isEqualTo("invalid_request")
                    .jsonPath("$.error.param").isEqualTo("budgets.max_cost_usd")
                    .jsonPath("$.error.message").value(message -> assertThat((String) message)
                            .as(cost).contains("'budgets.max_cost_usd'").contains("9 decimal places"));
        }
    }

    @Test
    void costBudgetsInWholeNanoDollarsAreAccepted() {
        impatient.post().uri("/v1/sessions").header(HttpHeaders.AUTHORIZATION, bearer(tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .body("{\"workflow\":\"a\",\"budgets\":{\"max_cost_usd\":0.000000001}}").exchange()
                .expectStatus().isCreated().expectBody().jsonPath("$.budgets.max_cost_usd").isEqualTo(1e-9);

        // Trailing zeros past the ninth decimal place change nothing.
        impatient.post().uri("/v1/sessions").header(HttpHeaders.AUTHORIZATION, bearer(tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .body("{\"workflow\":\"a\",\"budgets\":{\"max_cost_usd\":1000000.000000000000}}").exchange()
                .expectStatus().isCreated().expectBody().jsonPath("$.budgets.max_cost_usd").isEqualTo(1000000);
    }

    @Test
    void tokenBudgetsOutOfRangeOrNotWholeAreRefusedNamingTheField() {
        Map<String, String> refused = Map.of(
                "max_total_tokens", "1e20",
                "max_context_tokens", "3000000000",
                "max_growth_tokens_per_turn", "1.5");
        refused.forEach((field, value) -> createSession("{\"workflow\":\"a\",\"budgets\":{\"" + field + "\":"
                + value + "}}")
                .jsonPath("$.error.code").isEqualTo("invalid_json")
                .jsonPath("$.error.param").isEqualTo("budgets." + field)
                .jsonPath("$.error.message").value(message -> assertThat((String) message)
                        .contains("'budgets." + field + "'")));

        createSession("{\"workflow\":\"a\",\"budgets\":{\"max_total_tokens\":1000000000000001}}")
                .jsonPath("$.error.code").isEqualTo("invalid_request")
                .jsonPath("$.error.param").isEqualTo("budgets.max_total_tokens");
        createSession("{\"workflow\":\"a\",\"budgets\":{\"max_growth_tokens_per_turn\":0}}")
                .jsonPath("$.error.param").isEqualTo("budgets.max_growth_tokens_per_turn");
    }

    @Test
    void ttlWithAnExponentOrAFractionIsRefusedNamingTheField() {
        for (String ttl : new String[] {"1e400", "600.5", "6e2", "99999999999999999999"}) {
            createSession("{\"workflow\":\"a\",\"ttl_seconds\":" + ttl + "}")
                    .jsonPath("$.error.code").isEqualTo("invalid_json")
                    .jsonPath("$.error.param").isEqualTo("ttl_seconds");
        }
    }

    @Test
    void tokenCountsAndEpochsOnTheInternalApiRefuseExponentsAndFractions() {
        String id = (String) createSession(tenant, Map.of("workflow", "a")).get("id");

        post("/internal/sessions/" + id + "/reservations",
                "{\"model\":\"kimi-k2.5\",\"prompt_tokens\":1e400,\"max_tokens\":1}")
                .jsonPath("$.error.param").isEqualTo("prompt_tokens");
        post("/internal/sessions/" + id + "/reservations",
                "{\"model\":\"kimi-k2.5\",\"prompt_tokens\":1,\"max_tokens\":1e-300000000}")
                .jsonPath("$.error.param").isEqualTo("max_tokens");
        post("/internal/reservations/rsv_aaaaaaaaaaaaaaaaaaaaaaaaaa/settle",
                "{\"prompt_tokens\":1,\"completion_tokens\":1.5}")
                .jsonPath("$.error.param").isEqualTo("completion_tokens");
        post("/internal/turns", "{\"turns\":[{\"session_id\":\"" + id + "\",\"request_id\":\"r1\",\"model\":\"m\","
                + "\"prompt_tokens\":1,\"completion_tokens\":1},{\"session_id\":\"" + id + "\",\"request_id\":\"r2\","
                + "\"model\":\"m\",\"prompt_tokens\":1e20,\"completion_tokens\":1}]}")
                .jsonPath("$.error.param").isEqualTo("turns[1].prompt_tokens");
        impatient.put().uri("/internal/sessions/" + id + "/binding").header(HttpHeaders.AUTHORIZATION, bearer(tenant))
                .contentType(MediaType.APPLICATION_JSON)
                .body("{\"cell_id\":\"c1\",\"model\":\"m\",\"expected_epoch\":1e400}").exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.error.param").isEqualTo("expected_epoch");
    }

    private BodyContentSpec createSession(String json) {
        return post("/v1/sessions", json);
    }

    private BodyContentSpec post(String path, String json) {
        return impatient.post().uri(path).header(HttpHeaders.AUTHORIZATION, bearer(tenant))
                .contentType(MediaType.APPLICATION_JSON).body(json).exchange()
                .expectStatus().isBadRequest().expectBody();
    }
}
