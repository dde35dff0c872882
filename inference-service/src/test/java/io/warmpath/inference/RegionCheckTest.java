package io.warmpath.inference;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cell re-checks its own region with policy-service before it reserves a budget or calls its engine: an allow
 * goes through, a deny is a 403 and policy-service failing a 503, and in neither case is anything reserved or sent.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "warmpath.cell.id=cell-eu-7",
        "warmpath.cell.region=eu-west",
        "warmpath.cell.retry-after=2s",
        // Generous for a cold test JVM; no allow caching, so each test's answer applies at once.
        "warmpath.cell.policy-deadline=2s",
        "warmpath.cell.policy-allow-ttl=0s"})
@AutoConfigureWebTestClient(timeout = "30s") // the default 5 s is too short on a busy CI machine
class RegionCheckTest {

    private static final StubEngine engine = new StubEngine();
    private static final StubSessionService sessions = new StubSessionService();
    private static final StubPolicyService policy = new StubPolicyService();
    private static final String CHAT = """
            {"model":"stub-model","messages":[{"role":"user","content":"secret prompt"}]}""";

    @Autowired
    private WebTestClient client;

    @Autowired
    private MeterRegistry meters;

    @DynamicPropertySource
    static void stubs(DynamicPropertyRegistry registry) {
        registry.add("warmpath.cell.engine-url", engine::url);
        registry.add("warmpath.cell.sessions-url", sessions::url);
        registry.add("warmpath.cell.policy-url", policy::url);
    }

    @AfterEach
    void resetStubs() {
        engine.reset();
        sessions.reset();
        policy.reset();
    }

    @AfterAll
    static void stopStubs() {
        engine.close();
        sessions.close();
        policy.close();
    }

    @Test
    void allowedRequestReachesTheEngineAfterAskingAboutThisCellsRegion() {
        chat().expectStatus().isOk()
                .expectBody(Void.class);

        assertThat(engine.receivedCount()).isEqualTo(1);
        assertThat(policy.requests()).hasSize(1);
        JsonNode asked = policy.requests().getFirst();
        assertThat(asked.path("action").asString()).isEqualTo("infer");
        assertThat(asked.path("resource").path("type").asString()).isEqualTo("Cell");
        assertThat(asked.path("resource").path("id").asString()).isEqualTo("cell-eu-7");
        assertThat(asked.path("resource").path("region").asString()).isEqualTo("eu-west");
        assertThat(asked.path("resource").path("data_class").asString()).isEqualTo("regulated");
        assertThat(asked.path("context").path("data_region").asString()).isEqualTo("eu-west");
        assertThat(asked.path("principal").path("id").asString()).isEqualTo("agent-1");
        assertThat(asked.path("principal").path("tenant").asString()).isEqualTo("acme");
        assertThat(asked.path("principal").path("clearance").asString()).isEqualTo("regulated");
        assertThat(asked.path("principal").path("home_region").asString()).isEqualTo("eu-west");
        assertThat(asked.path("principal").path("roles").values()).extracting(JsonNode::asString)
                .containsExactly("analyst", "data:regulated");
    }

    @Test
    void requestWithoutGatewayHeadersIsAskedAboutAsAnonymousInternalData() {
        client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON).bodyValue(CHAT)
                .exchange()
                .expectStatus().isOk()
                .expectBody(Void.class);

        JsonNode asked = policy.requests().getFirst();
        assertThat(asked.path("resource").path("data_class").asString()).isEqualTo("internal");
        assertThat(asked.path("principal").path("tenant").asString()).isEqualTo("anonymous");
        assertThat(asked.has("context")).isFalse();
    }

    @Test
    void denyIsA403AndNothingIsReservedOrSent() {
        policy.decision = "deny";

        chat().expectStatus().isForbidden()
                .expectBody()
                .jsonPath("$.error.code").isEqualTo("region_not_allowed")
                .jsonPath("$.error.type").isEqualTo("invalid_request_error")
                .jsonPath("$.error.message").value(String.class, message -> assertThat(message)
                        .contains("stub says deny"));

        assertThat(engine.receivedCount()).isZero();
        assertThat(sessions.pending()).isZero();
        assertThat(meters.counter("warmpath.policy.client.decisions", "result", "deny", "cause", "denied").count())
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void policyServiceFailingIsA503AndNothingIsReservedOrSent() {
        policy.failStatus = 500;

        chat().expectStatus().isEqualTo(503)
                .expectHeader().valueEquals(HttpHeaders.RETRY_AFTER, "2")
                .expectBody().jsonPath("$.error.code").isEqualTo("policy_unavailable");

        assertThat(engine.receivedCount()).isZero();
        assertThat(sessions.pending()).isZero();
        assertThat(meters.find("warmpath.inference.requests").tag("outcome", "policy_unavailable").counters())
                .isNotEmpty();
    }

    private WebTestClient.ResponseSpec chat() {
        return client.post().uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .header("x-warmpath-session", "ses_01JREGIONCHECK00000000000")
                .header("x-warmpath-tenant", "acme")
                .header("x-warmpath-subject", "agent-1")
                .header("x-warmpath-roles", "analyst,data:regulated")
                .header("x-warmpath-clearance", "regulated")
                .header("x-warmpath-home-region", "eu-west")
                .header("x-warmpath-data-class", "regulated")
                .header("x-warmpath-data-region", "eu-west")
                .bodyValue(CHAT)
                .exchange();
    }
}
