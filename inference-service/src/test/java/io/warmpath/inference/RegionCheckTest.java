package io.warmpath.inference;

import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.warmpath.contracts.DataClass;
import io.warmpath.contracts.WarmpathHeaders;
import io.warmpath.contracts.assertion.Assertion;
import io.warmpath.contracts.assertion.Audiences;
import io.warmpath.contracts.testing.StubPolicyService;
import io.warmpath.contracts.testing.StubSessionService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
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
    private static final StubSessionService sessions = StubSessionService.start();
    private static final StubPolicyService policy = StubPolicyService.start();
    private static final String CHAT = """
            {"model":"stub-model","messages":[{"role":"user","content":"secret prompt"}]}""";

    @Autowired
    private WebTestClient client;

    @LocalServerPort
    private int port;

    @BeforeEach
    void authenticate() {
        client = client.mutate().defaultHeaders(CellCalls.caller()).build();
    }

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
    void aCallerWithoutSessionIsAskedAboutWithItsAssertionsFactsAndCredential() {
        client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON).bodyValue(CHAT)
                .exchange()
                .expectStatus().isOk()
                .expectBody(Void.class);

        JsonNode asked = policy.requests().getFirst();
        assertThat(asked.path("resource").path("data_class").asString()).isEqualTo("internal");
        assertThat(asked.path("principal").path("tenant").asString()).isEqualTo(CellCalls.TENANT);
        assertThat(asked.has("context")).isFalse();
        assertThat(StubSessionService.claimsOf(policy.authorizations().getFirst()).path("aud").toString())
                .contains(Audiences.POLICY);
    }

    @Test
    void theOldTrustedHeadersAloneAreRefused() {
        WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).build()
                .post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .header(WarmpathHeaders.TENANT, "acme")
                .header(WarmpathHeaders.SESSION, "ses_01JREGIONCHECK00000000000")
                .header(WarmpathHeaders.DATA_CLASS, "public")
                .bodyValue(CHAT)
                .exchange()
                .expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.error.code").isEqualTo("invalid_token");

        assertThat(policy.requests()).isEmpty();
        assertThat(engine.receivedCount()).isZero();
    }

    @Test
    void denyIsA403AndNothingIsReservedOrSent() {
        policy.allowAll(false);

        chat().expectStatus().isForbidden()
                .expectBody()
                .jsonPath("$.error.code").isEqualTo("region_not_allowed")
                .jsonPath("$.error.type").isEqualTo("permission_error")
                .jsonPath("$.error.message").value(String.class, message -> assertThat(message)
                        .contains("stub denies"));

        assertThat(engine.receivedCount()).isZero();
        assertThat(sessions.pending()).isZero();
        assertThat(meters.counter("warmpath.policy.client.decisions", "result", "deny", "cause", "denied").count())
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void policyServiceFailingIsA503AndNothingIsReservedOrSent() {
        policy.failWith(500);

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
                .headers(CellCalls.as(new Assertion("acme", "agent-1", List.of("inference:invoke"),
                        List.of("analyst", "data:regulated"), "regulated", "eu-west", null, DataClass.REGULATED,
                        "eu-west", "ses_01JREGIONCHECK00000000000", true)))
                .bodyValue(CHAT)
                .exchange();
    }
}
