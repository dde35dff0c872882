package io.warmpath.gateway;

import java.time.Duration;
import java.util.List;

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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * API keys at the gateway: a key stands for its tenant, scopes and the rest like a JWT; unknown, malformed and revoked
 * keys are 401; a key that cannot be checked is a 503. session-service is a stub that knows the keys it issued.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "30s")
class ApiKeyIntegrationTest {

    private static final String MODEL = "kimi-k2.5";
    private static final String CHAT = "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final StubCell CELL = StubCell.start("keys-a", MODEL, true);
    private static final StubSessionService SESSIONS = StubSessionService.start();
    private static final TestTokens TOKENS = new TestTokens();
    private static final Duration CACHE_TTL = Duration.ofMillis(500);

    @DynamicPropertySource
    static void gatewayProperties(DynamicPropertyRegistry registry) {
        CELL.registerAsOnlyCell(registry);
        registry.add("spring.security.oauth2.resourceserver.jwt.public-key-location", TOKENS::publicKeyLocation);
        registry.add("warmpath.gateway.health.probe-interval", () -> "1h");
        registry.add("warmpath.gateway.sessions.url", SESSIONS::url);
        registry.add("warmpath.gateway.keys.cache-ttl", () -> CACHE_TTL.toMillis() + "ms");
        registry.add("warmpath.gateway.keys.timeout", () -> "300ms");
        registry.add("warmpath.gateway.policy.enabled", () -> "false");
    }

    @Autowired
    WebTestClient client;

    @Autowired
    CellProber prober;

    @BeforeEach
    void cellHealthy() {
        prober.refresh().block();
        SESSIONS.delay(0);
    }

    @AfterAll
    static void stopStubs() {
        CELL.stop();
        SESSIONS.stop();
    }

    @Test
    void aKeyActsForItsTenantWithItsScopesAndIsLookedUpOncePerCachePeriod() {
        String key = SESSIONS.issueApiKey("acme", List.of("inference:invoke"));
        int lookupsBefore = SESSIONS.keyResolutions();

        chat(key).expectStatus().isOk();
        chat(key).expectStatus().isOk();

        assertThat(CELL.lastAssertion().path("tenant").asString()).isEqualTo("acme");
        assertThat(CELL.lastAssertion().path("sub").asString()).startsWith("key:");
        assertThat(CELL.lastAssertion().path("scope").asString()).isEqualTo("inference:invoke");
        assertThat(SESSIONS.keyResolutions() - lookupsBefore).as("the second turn used the cached key").isEqualTo(1);
    }

    @Test
    void aKeyWithoutTheRoutesScopeIsForbidden() {
        String key = SESSIONS.issueApiKey("acme", List.of("artifacts:read"));

        chat(key).expectStatus().isForbidden()
                .expectBody().jsonPath("$.error.code").isEqualTo("insufficient_scope");
    }

    @Test
    void unknownAndMalformedKeysAreUnauthorizedInOpenAiErrorJson() {
        chat("wpk_" + "A".repeat(43)).expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.error.code").isEqualTo("invalid_token")
                .jsonPath("$.error.message").value(message -> assertThat((String) message).contains("unknown"));
        chat("wpk_short").expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.error.message").value(message ->
                        assertThat((String) message).contains("malformed"));
    }

    @Test
    void aRevokedKeyStopsWorkingWithinTheCachePeriod() throws InterruptedException {
        String key = SESSIONS.issueApiKey("acme", List.of("inference:invoke"));
        chat(key).expectStatus().isOk();

        SESSIONS.revokeApiKey(key);
        Thread.sleep(CACHE_TTL.toMillis() + 100);

        chat(key).expectStatus().isUnauthorized();
    }

    @Test
    void aKeyThatCannotBeCheckedIsA503ToRetryNotA401() {
        String key = SESSIONS.issueApiKey("acme", List.of("inference:invoke"));
        SESSIONS.delay(2_000);

        chat(key).expectStatus().isEqualTo(503)
                .expectHeader().exists(HttpHeaders.RETRY_AFTER)
                .expectBody().jsonPath("$.error.code").isEqualTo("session_service_unavailable");
    }

    @Test
    void jwtsKeepWorkingBesideKeys() {
        client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKENS.forTenant("globex"))
                .bodyValue(CHAT).exchange().expectStatus().isOk();
        assertThat(CELL.lastAssertion().path("tenant").asString()).isEqualTo("globex");
    }

    private WebTestClient.ResponseSpec chat(String key) {
        return client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + key).bodyValue(CHAT).exchange();
    }
}
