package io.warmpath.policy.decisions;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.warmpath.assertion.testing.TestAssertions;
import io.warmpath.contracts.WarmpathHeaders;
import io.warmpath.contracts.assertion.Audiences;
import io.warmpath.policy.DecisionRequests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static io.warmpath.policy.DecisionRequests.batch;
import static io.warmpath.policy.DecisionRequests.principal;
import static io.warmpath.policy.DecisionRequests.request;
import static io.warmpath.policy.DecisionRequests.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureRestTestClient
class DecisionApiTest {

    private static final Map<String, Object> INTERNAL_CELL = resource("Cell", "cell-1", "eu-west", "internal");
    private static final Map<String, Object> ANYONE = principal("acme", List.of(), null);

    @Autowired
    RestTestClient client;

    @LocalManagementPort
    int managementPort;

    @BeforeEach
    void authenticate() {
        client = client.mutate().defaultHeader(HttpHeaders.AUTHORIZATION, DecisionRequests.bearer("acme")).build();
    }

    @Test
    void batchIsAnsweredInOrder() {
        Map<?, ?> body = client.post().uri("/v1/decisions").contentType(MediaType.APPLICATION_JSON)
                .body(batch(request(ANYONE, "infer", INTERNAL_CELL, Map.of()),
                        request(ANYONE, "infer", resource("Cell", "cell-2", "eu-west", "confidential"), Map.of()),
                        request(ANYONE, "infer", resource("Model", "kimi-k2.5", null, "public"), Map.of())))
                .exchange()
                .expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();

        List<Object> answers = ((List<?>) body.get("decisions")).stream()
                .map(decision -> ((Map<?, ?>) decision).get("decision"))
                .map(Object.class::cast)
                .toList();
        assertThat(answers).containsExactly("allow", "deny", "allow");
    }

    @Test
    void everyDecisionIsAuditedAsJsonWithoutUrlPathOrContextValues() throws Exception {
        Logger audit = (Logger) LoggerFactory.getLogger(AuditLog.LOGGER);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        Level before = audit.getLevel();
        audit.setLevel(Level.INFO);
        audit.addAppender(captured);
        try {
            client.post().uri("/v1/decisions").contentType(MediaType.APPLICATION_JSON)
                    .body(batch(request(ANYONE, "infer", INTERNAL_CELL, Map.of("ticket", "T-secret-42")),
                            request(ANYONE, "egress",
                                    resource("Url", "https://api.example.com/v1/items?api_key=sk-abc123", null, null),
                                    Map.of())))
                    .exchange()
                    .expectStatus().isOk();
        }
        finally {
            audit.detachAppender(captured);
            audit.setLevel(before);
        }

        assertThat(captured.list).hasSize(2);
        JsonMapper json = JsonMapper.builder().build();
        JsonNode first = json.readTree(captured.list.get(0).getFormattedMessage());
        JsonNode second = json.readTree(captured.list.get(1).getFormattedMessage());
        assertThat(first.get("principal").asString()).isEqualTo("user-1");
        assertThat(first.get("tenant").asString()).isEqualTo("acme");
        assertThat(first.get("decision").asString()).isEqualTo("allow");
        assertThat(first.get("policies").get(0).asString()).isEqualTo("open-data");
        assertThat(first.get("context_keys").get(0).asString()).isEqualTo("ticket");
        assertThat(second.get("resource").asString()).isEqualTo("https://api.example.com:443");
        assertThat(second.get("decision").asString()).isEqualTo("deny");
        assertThat(captured.list).allSatisfy(event -> assertThat(event.getFormattedMessage())
                .doesNotContain("T-secret-42", "sk-abc123", "/v1/items"));
    }

    static Stream<Arguments> badBatches() {
        Map<String, Object> noPrincipal = new LinkedHashMap<>(request(ANYONE, "infer", INTERNAL_CELL, Map.of()));
        noPrincipal.remove("principal");
        return Stream.of(
                argumentSet("no requests", Map.of(), "requests is required"),
                argumentSet("an empty batch", Map.of("requests", List.of()), "1 to 256"),
                argumentSet("a batch over 256", Map.of("requests",
                        Collections.nCopies(257, request(ANYONE, "infer", INTERNAL_CELL, Map.of()))), "1 to 256"),
                argumentSet("no principal", batch(noPrincipal), "requests[0].principal is required"),
                argumentSet("no tenant", batch(request(principal(null, List.of(), null), "infer", INTERNAL_CELL,
                        Map.of())), "requests[0].principal.tenant is required"),
                argumentSet("an unknown clearance", batch(request(principal("acme", List.of(), "secret"), "infer",
                        INTERNAL_CELL, Map.of())), "principal.clearance must be one of"),
                argumentSet("an unknown action", batch(request(ANYONE, "delete", INTERNAL_CELL, Map.of())),
                        "requests[0].action must be one of"),
                argumentSet("an unknown resource type", batch(request(ANYONE, "infer",
                        resource("Planet", "mars", null, null), Map.of())), "resource.type must be one of"),
                argumentSet("an action on the wrong resource", batch(request(ANYONE, "infer",
                        resource("Tool", "search", null, null), Map.of())), "does not apply to a Tool"),
                argumentSet("an over-long principal id", batch(request(Map.of("id", "u".repeat(257),
                        "tenant", "acme"), "infer", INTERNAL_CELL, Map.of())), "principal.id is longer than 256"),
                argumentSet("an unknown data class", batch(request(ANYONE, "infer",
                        resource("Cell", "cell-1", "eu", "secret"), Map.of())), "resource.data_class must be one of"),
                argumentSet("a malformed region", batch(request(ANYONE, "infer",
                        resource("Cell", "cell-1", "eu west", null), Map.of())), "resource.region must match"),
                argumentSet("a URL without a host", batch(request(ANYONE, "egress",
                        resource("Url", "/relative", null, null), Map.of())), "absolute URL"),
                argumentSet("a reserved context key", batch(request(ANYONE, "infer", INTERNAL_CELL,
                        Map.of("data_class", "public"))), "context.data_class is set from the resource"),
                argumentSet("a nested context value", batch(request(ANYONE, "infer", INTERNAL_CELL,
                        Map.of("tags", List.of("a")))), "context.tags must be a string"),
                argumentSet("a fractional context number", batch(request(ANYONE, "infer", INTERNAL_CELL,
                        Map.of("score", 0.5))), "context.score must be a string"));
    }

    @ParameterizedTest
    @MethodSource("badBatches")
    void badInputIsA400ProblemNamingTheField(Map<String, Object> body, String expectedDetail) {
        client.post().uri("/v1/decisions").contentType(MediaType.APPLICATION_JSON).body(body).exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status").isEqualTo(400)
                .jsonPath("$.detail").value(String.class, detail -> assertThat(detail).contains(expectedDetail));
    }

    @Test
    void unreadableJsonIsA400Problem() {
        client.post().uri("/v1/decisions").contentType(MediaType.APPLICATION_JSON).body("{\"requests\": [")
                .exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void wrongMediaTypeIsA415Problem() {
        client.post().uri("/v1/decisions").contentType(MediaType.TEXT_PLAIN).body("allow me").exchange()
                .expectStatus().isEqualTo(415)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void decisionsAreCountedByActionAndAnswer() {
        List<Object> requests = new ArrayList<>();
        requests.add(request(ANYONE, "egress", resource("Url", "https://example.com", null, null), Map.of()));
        client.post().uri("/v1/decisions").contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("requests", requests)).exchange().expectStatus().isOk();

        DecisionRequests.actuator(managementPort).get().uri("/actuator/prometheus").exchange()
                .expectStatus().isOk()
                .expectBody(String.class).value(metrics -> assertThat(metrics)
                        .containsPattern(
                                "warmpath_policy_decisions_total\\{action=\"egress\",decision=\"deny\"[^}]*} [1-9]")
                        .contains("warmpath_policy_decision_duration_seconds_bucket")
                        .doesNotContain("tenant=\"acme\""));
    }

    @Test
    void aCallWithoutAnAssertionIsRefusedWithOpenAiErrorJson() {
        RestTestClient anonymous = client.mutate().defaultHeaders(headers -> headers.remove(HttpHeaders.AUTHORIZATION))
                .build();
        anonymous.post().uri("/v1/decisions").contentType(MediaType.APPLICATION_JSON)
                .header(WarmpathHeaders.TENANT, "acme")
                .body(batch(request(ANYONE, "infer", INTERNAL_CELL, Map.of()))).exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().valueMatches(HttpHeaders.WWW_AUTHENTICATE, "Bearer.*")
                .expectBody().jsonPath("$.error.code").isEqualTo("invalid_token");
    }

    @Test
    void anAssertionForAnotherServiceIsRefused() {
        String forSessions = TestAssertions.shared().bearer(TestAssertions.caller("acme"), Audiences.SESSIONS);
        client.post().uri("/v1/decisions").contentType(MediaType.APPLICATION_JSON)
                .header(HttpHeaders.AUTHORIZATION, forSessions)
                .body(batch(request(ANYONE, "infer", INTERNAL_CELL, Map.of()))).exchange()
                .expectStatus().isUnauthorized();
    }

    @Test
    void theActuatorIsNotServedOnTheApplicationPort() {
        client.get().uri("/actuator/prometheus").exchange().expectStatus().value(status ->
                assertThat(status).isIn(401, 404));
        DecisionRequests.actuator(managementPort).get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();
    }

    @Test
    void aQuestionAboutAnotherTenantIsRefusedAndNothingIsDecided() {
        client.post().uri("/v1/decisions").contentType(MediaType.APPLICATION_JSON)
                .body(batch(request(ANYONE, "infer", INTERNAL_CELL, Map.of()),
                        request(principal("beta", List.of(), null), "infer", INTERNAL_CELL, Map.of())))
                .exchange()
                .expectStatus().isForbidden();
    }
}
