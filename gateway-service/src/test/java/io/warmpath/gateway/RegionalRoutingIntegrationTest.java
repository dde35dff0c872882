package io.warmpath.gateway;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import io.micrometer.core.instrument.MeterRegistry;
import io.warmpath.contracts.WarmpathHeaders;
import io.warmpath.contracts.assertion.Audiences;
import io.warmpath.contracts.testing.StubPolicyService;
import io.warmpath.contracts.testing.StubSessionService;
import io.warmpath.gateway.cells.CellProber;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
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
 * Regional processing: cells in two regions, a stub policy-service deciding per region, session-service (stub) up.
 * Only cells in allowed regions take a request; none allowed is a 403, policy-service failing a 503, and the data
 * class, pinned region and caller facts reach both policy-service and the cell.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "30s") // the default 5 s is too short on a busy CI machine
class RegionalRoutingIntegrationTest {

    private static final String MODEL = "kimi-k2.5";
    private static final StubCell EU_1 = StubCell.start("cell-eu-1", MODEL, true);
    private static final StubCell EU_2 = StubCell.start("cell-eu-2", MODEL, true);
    private static final StubCell US = StubCell.start("cell-us", MODEL, true);
    private static final TestTokens TOKENS = new TestTokens();
    private static final StubSessionService SESSIONS = StubSessionService.start();
    private static final StubPolicyService POLICY = StubPolicyService.start();

    @DynamicPropertySource
    static void gatewayProperties(DynamicPropertyRegistry registry) {
        List<StubCell> cells = List.of(EU_1, EU_2, US);
        for (int i = 0; i < cells.size(); i++) {
            StubCell cell = cells.get(i);
            String prefix = "spring.cloud.discovery.client.simple.instances.inference-cells[" + i + "].";
            registry.add(prefix + "uri", cell::uri);
            registry.add(prefix + "metadata.cell-id", () -> cell.id);
            registry.add(prefix + "metadata.model", () -> MODEL);
            registry.add(prefix + "metadata.region", () -> cell == US ? "us-east" : "eu-west");
        }
        registry.add("spring.security.oauth2.resourceserver.jwt.public-key-location", TOKENS::publicKeyLocation);
        registry.add("warmpath.gateway.health.probe-interval", () -> "1h");
        registry.add("warmpath.gateway.sessions.url", SESSIONS::url);
        registry.add("warmpath.gateway.sessions.near-cache-ttl", () -> "1ms");
        registry.add("warmpath.gateway.sessions.near-cache-max-stale", () -> "0s");
        registry.add("warmpath.gateway.policy.url", POLICY::url);
        // Generous for a cold test JVM; no allow caching, so each test's rule applies at once.
        registry.add("warmpath.gateway.policy.deadline", () -> "2s");
        registry.add("warmpath.gateway.policy.allow-ttl", () -> "0s");
    }

    @Autowired
    WebTestClient client;

    @Autowired
    CellProber prober;

    @Autowired
    MeterRegistry meters;

    @AfterAll
    static void stopStubs() {
        List.of(EU_1, EU_2, US).forEach(StubCell::stop);
        SESSIONS.stop();
        POLICY.stop();
    }

    @BeforeEach
    void reset() {
        prober.refresh().block();
        POLICY.failWith(0);
        POLICY.allowWhen(request -> true);
        POLICY.requests().clear();
    }

    @Test
    void requestWithoutSessionIsCheckedAsInternalDataForEachRegion() {
        String servedBy = chat(TOKENS.forTenant("acme"), null).expectStatus().isOk()
                .returnResult(String.class).getResponseHeaders().getFirst(WarmpathHeaders.CELL);

        assertThat(POLICY.requests()).extracting(request -> request.path("resource").path("region").asString())
                .containsExactly("eu-west", "us-east");
        assertThat(POLICY.requests()).allSatisfy(request -> {
            assertThat(request.path("action").asString()).isEqualTo("infer");
            assertThat(request.path("resource").path("type").asString()).isEqualTo("Cell");
            assertThat(request.path("resource").path("data_class").asString()).isEqualTo("internal");
            assertThat(request.path("principal").path("tenant").asString()).isEqualTo("acme");
            assertThat(request.path("principal").path("id").asString()).isEqualTo("agent-1");
        });
        assertThat(stub(servedBy).lastAssertion().path("data_class").asString()).isEqualTo("internal");
    }

    @Test
    void cellsInDeniedRegionsNeverTakeTheRequest() {
        POLICY.allowWhen(request -> "eu-west".equals(request.path("resource").path("region").asString()));
        int usBefore = US.completions();

        Set<String> servedBy = new HashSet<>();
        for (int session = 0; session < 30; session++) {
            servedBy.add(chat(TOKENS.forTenant("acme"), "regional-" + session).expectStatus().isOk()
                    .returnResult(String.class).getResponseHeaders().getFirst(WarmpathHeaders.CELL));
        }

        assertThat(servedBy).isNotEmpty().isSubsetOf("cell-eu-1", "cell-eu-2");
        assertThat(US.completions()).isEqualTo(usBefore);
    }

    @Test
    void noAllowedRegionIsA403AndNoCellIsCalled() {
        POLICY.allowWhen(request -> false);
        int before = EU_1.completions() + EU_2.completions() + US.completions();

        chat(TOKENS.forTenant("acme"), null)
                .expectStatus().isForbidden()
                .expectBody()
                .jsonPath("$.error.code").isEqualTo("region_not_allowed")
                .jsonPath("$.error.type").isEqualTo("permission_error")
                .jsonPath("$.error.message").value(String.class, message -> assertThat(message)
                        .contains("internal data", "eu-west", "us-east", "stub denies"));

        assertThat(EU_1.completions() + EU_2.completions() + US.completions()).isEqualTo(before);
        assertThat(meters.counter("warmpath.gateway.policy.region_checks", "outcome", "region_not_allowed").count())
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void policyServiceFailingIsA503NotAFallback() {
        POLICY.failWith(500);
        int before = EU_1.completions() + EU_2.completions() + US.completions();

        chat(TOKENS.forTenant("acme"), null)
                .expectStatus().isEqualTo(503)
                .expectHeader().exists(HttpHeaders.RETRY_AFTER)
                .expectBody().jsonPath("$.error.code").isEqualTo("policy_unavailable");

        assertThat(EU_1.completions() + EU_2.completions() + US.completions()).isEqualTo(before);
    }

    @Test
    void sessionDataClassPinnedRegionAndCallerFactsReachPolicyAndCell() {
        POLICY.allowWhen(request -> "eu-west".equals(request.path("resource").path("region").asString()));
        String affinity = SESSIONS.createTokenSession("acme", null);
        SESSIONS.classify(SESSIONS.sessionIdOfToken(affinity), "regulated", "eu-west");
        String token = TOKENS.token(claims -> claims
                .claim("roles", List.of("analyst", "data:regulated"))
                .claim("clearance", "regulated")
                .claim("region", "eu-west"));

        String servedBy = client.post().uri("/v1/chat/completions")
                .headers(bearer(token))
                .header("x-session-affinity", affinity)
                .header(WarmpathHeaders.DATA_CLASS, "public") // a client cannot declassify its data
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(chatBody())
                .exchange()
                .expectStatus().isOk()
                .returnResult(String.class).getResponseHeaders().getFirst(WarmpathHeaders.CELL);

        JsonNode asked = POLICY.requests().getFirst();
        assertThat(asked.path("resource").path("data_class").asString()).isEqualTo("regulated");
        assertThat(asked.path("context").path("data_region").asString()).isEqualTo("eu-west");
        assertThat(asked.path("principal").path("clearance").asString()).isEqualTo("regulated");
        assertThat(asked.path("principal").path("home_region").asString()).isEqualTo("eu-west");
        assertThat(asked.path("principal").path("roles").values()).extracting(JsonNode::asString)
                .containsExactly("analyst", "data:regulated");
        assertThat(servedBy).isIn("cell-eu-1", "cell-eu-2");
        StubCell cell = stub(servedBy);
        JsonNode assertion = cell.lastAssertion();
        assertThat(assertion.path("data_class").asString()).isEqualTo("regulated");
        assertThat(assertion.path("data_region").asString()).isEqualTo("eu-west");
        assertThat(assertion.path("roles").values()).extracting(JsonNode::asString)
                .containsExactly("analyst", "data:regulated");
        assertThat(assertion.path("clearance").asString()).isEqualTo("regulated");
        assertThat(assertion.path("region").asString()).isEqualTo("eu-west");
        assertThat(assertion.path("session").asString()).isEqualTo(SESSIONS.sessionIdOfToken(affinity));
        assertThat(cell.lastOnwardAssertion(WarmpathHeaders.POLICY_ASSERTION).path("data_class").asString())
                .isEqualTo("regulated");
        assertThat(cell.lastOnwardAssertion(WarmpathHeaders.SESSIONS_ASSERTION).path("aud").toString())
                .contains(Audiences.SESSIONS);
    }

    @Test
    void aRequestWithoutSessionCarriesItsTenantsDefaultDataClass() {
        SESSIONS.tenantDataClass("confidential-corp", "confidential");

        String servedBy = chat(TOKENS.forTenant("confidential-corp"), null).expectStatus().isOk()
                .returnResult(String.class).getResponseHeaders().getFirst(WarmpathHeaders.CELL);

        assertThat(POLICY.requests()).allSatisfy(request ->
                assertThat(request.path("resource").path("data_class").asString()).isEqualTo("confidential"));
        assertThat(stub(servedBy).lastAssertion().path("data_class").asString()).isEqualTo("confidential");
    }

    @Test
    void duringAnOutageAnImplicitSessionIsServedNoWeakerThanItsTenantsDefaults() {
        SESSIONS.tenantDataClass("confidential-too", "confidential");
        chat(TOKENS.forTenant("confidential-too"), null).expectStatus().isOk().expectBody(Void.class);
        POLICY.requests().clear();
        SESSIONS.stop();
        try {
            String servedBy = chat(TOKENS.forTenant("confidential-too"), "implicit-while-down").expectStatus().isOk()
                    .returnResult(String.class).getResponseHeaders().getFirst(WarmpathHeaders.CELL);

            assertThat(POLICY.requests()).isNotEmpty().allSatisfy(request ->
                    assertThat(request.path("resource").path("data_class").asString()).isEqualTo("confidential"));
            assertThat(stub(servedBy).lastAssertion().has("session")).isFalse();
        }
        finally {
            SESSIONS.restart();
        }
    }

    @Test
    void duringAnOutageRegulatedTenantsAndTenantsNeverLearnedFailClosed() {
        SESSIONS.tenantDataClass("regulated-corp", "regulated");
        POLICY.allowWhen(request -> true);
        chat(TOKENS.forTenant("regulated-corp"), null).expectStatus().isOk().expectBody(Void.class);
        int eu = EU_1.completions() + EU_2.completions() + US.completions();
        SESSIONS.stop();
        try {
            chat(TOKENS.forTenant("regulated-corp"), "implicit-while-down")
                    .expectStatus().isEqualTo(503)
                    .expectHeader().exists(HttpHeaders.RETRY_AFTER)
                    .expectBody().jsonPath("$.error.code").isEqualTo("session_service_unavailable");
            chat(TOKENS.forTenant("never-seen"), "implicit-while-down")
                    .expectStatus().isEqualTo(503)
                    .expectBody().jsonPath("$.error.code").isEqualTo("session_service_unavailable");
            chat(TOKENS.forTenant("never-seen-either"), null)
                    .expectStatus().isEqualTo(503)
                    .expectBody().jsonPath("$.error.code").isEqualTo("session_service_unavailable");
        }
        finally {
            SESSIONS.restart();
        }
        assertThat(EU_1.completions() + EU_2.completions() + US.completions()).as("no cell was called").isEqualTo(eu);
    }

    @Test
    void duringAnOutageATenantWhoseSessionsHaveBudgetsFailsClosed() {
        SESSIONS.tenantLimited("budgeted-corp", true);
        chat(TOKENS.forTenant("budgeted-corp"), null).expectStatus().isOk().expectBody(Void.class);
        SESSIONS.stop();
        try {
            chat(TOKENS.forTenant("budgeted-corp"), "implicit-while-down")
                    .expectStatus().isEqualTo(503)
                    .expectBody().jsonPath("$.error.code").isEqualTo("session_service_unavailable");
        }
        finally {
            SESSIONS.restart();
            SESSIONS.tenantLimited("budgeted-corp", false);
        }
    }

    @Test
    void aTenantSeenOnlyInSessionsIsKnownWhenAnOutageComes() {
        SESSIONS.tenantDataClass("sessions-only-corp", "confidential");
        int asked = SESSIONS.tenantDefaultsCalls();
        chat(TOKENS.forTenant("sessions-only-corp"), "implicit-before").expectStatus().isOk().expectBody(Void.class);
        awaitUntil(() -> SESSIONS.tenantDefaultsCalls() > asked, "defaults learned from a session turn");
        POLICY.requests().clear();
        SESSIONS.stop();
        try {
            chat(TOKENS.forTenant("sessions-only-corp"), "implicit-while-down").expectStatus().isOk()
                    .expectBody(Void.class);
            assertThat(POLICY.requests()).isNotEmpty().allSatisfy(request ->
                    assertThat(request.path("resource").path("data_class").asString()).isEqualTo("confidential"));
        }
        finally {
            SESSIONS.restart();
        }
    }

    @Test
    void sessionServiceSheddingLoadIsARetryNotADegradedTurn() {
        int before = EU_1.completions() + EU_2.completions() + US.completions();
        SESSIONS.overloaded(true);
        try {
            chat(TOKENS.forTenant("acme"), "implicit-while-busy")
                    .expectStatus().isEqualTo(503)
                    .expectHeader().exists(HttpHeaders.RETRY_AFTER)
                    .expectBody().jsonPath("$.error.code").isEqualTo("session_service_overloaded");
        }
        finally {
            SESSIONS.overloaded(false);
        }
        assertThat(EU_1.completions() + EU_2.completions() + US.completions()).isEqualTo(before);
    }

    private WebTestClient.ResponseSpec chat(String token, String affinity) {
        return client.post().uri("/v1/chat/completions")
                .headers(bearer(token))
                .headers(headers -> {
                    if (affinity != null) {
                        headers.set("x-session-affinity", affinity);
                    }
                })
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(chatBody())
                .exchange();
    }

    private static StubCell stub(String id) {
        return List.of(EU_1, EU_2, US).stream().filter(cell -> cell.id.equals(id)).findFirst().orElseThrow();
    }

    private static Consumer<HttpHeaders> bearer(String token) {
        return headers -> headers.setBearerAuth(token);
    }

    private static String chatBody() {
        return """
                {"model":"%s","messages":[{"role":"user","content":"Where am I processed?"}]}""".formatted(MODEL);
    }

    private static void awaitUntil(BooleanSupplier condition, String description) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(description).isLessThan(deadline);
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
    }
}
