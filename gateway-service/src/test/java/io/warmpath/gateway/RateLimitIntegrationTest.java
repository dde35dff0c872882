package io.warmpath.gateway;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.warmpath.contracts.WarmpathHeaders;
import io.warmpath.contracts.sessions.RateLimits;
import io.warmpath.contracts.testing.StubSessionService;
import io.warmpath.devredis.LocalRedis;
import io.warmpath.gateway.cells.CellProber;
import io.warmpath.gateway.sessions.StubPorts;
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
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Rate limits at the gateway, kept in a real Redis: requests, tokens (reserved from the request, settled with the
 * usage the cell reports, plain and streamed) and concurrent requests, per tenant and per API key, with OpenAI's
 * headers and a 429 over a limit. Each test has a tenant of its own, so their buckets never meet.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "30s")
class RateLimitIntegrationTest {

    private static final String MODEL = "kimi-k2.5";
    private static final StubCell CELL = StubCell.start("limits-a", MODEL, true);
    private static final StubSessionService SESSIONS = StubSessionService.start();
    private static final TestTokens TOKENS = new TestTokens();
    private static final LocalRedis REDIS = LocalRedis.start(StubPorts.closedPort());
    private static final String LIMITS = "warmpath.gateway.limits.";

    @DynamicPropertySource
    static void gatewayProperties(DynamicPropertyRegistry registry) {
        CELL.registerAsOnlyCell(registry);
        registry.add("spring.security.oauth2.resourceserver.jwt.public-key-location", TOKENS::publicKeyLocation);
        registry.add("warmpath.gateway.health.probe-interval", () -> "1h");
        registry.add("warmpath.gateway.sessions.url", SESSIONS::url);
        registry.add("warmpath.gateway.policy.enabled", () -> "false");
        registry.add("spring.data.redis.port", REDIS::port);
        registry.add(LIMITS + "enabled", () -> "true");
        // A generous limit for every tenant, so that headers are always there; tight ones for the tests' tenants.
        registry.add(LIMITS + "tenant.requests-per-minute", () -> "1000");
        registry.add(LIMITS + "tenants.two-a-minute.requests-per-minute", () -> "2");
        registry.add(LIMITS + "tenants.settled.tokens-per-minute", () -> "2000");
        registry.add(LIMITS + "tenants.streamed.tokens-per-minute", () -> "2000");
        registry.add(LIMITS + "tenants.heavy.tokens-per-minute", () -> "2000");
        registry.add(LIMITS + "tenants.one-at-a-time.concurrent-requests", () -> "1");
        registry.add(LIMITS + "reserve-completion-tokens", () -> "100");
    }

    @Autowired
    WebTestClient client;

    @Autowired
    CellProber prober;

    @BeforeEach
    void cellHealthy() {
        prober.refresh().block();
        CELL.reportedTokens = 6;
    }

    @AfterAll
    static void stop() {
        CELL.stop();
        SESSIONS.stop();
        REDIS.close();
    }

    @Test
    void aTenantOverItsRequestRateGets429WithRetryAfterAndOpenAiHeadersWhileAnotherTenantGoesOn() {
        String limited = TOKENS.forTenant("two-a-minute");

        chat(limited, 10).expectStatus().isOk()
                .expectHeader().valueEquals("x-ratelimit-limit-requests", "2")
                .expectHeader().valueEquals("x-ratelimit-remaining-requests", "1")
                .expectHeader().value("x-ratelimit-reset-requests", reset -> assertThat(reset).matches("\\d+(\\.\\d+)?s"));
        chat(limited, 10).expectStatus().isOk()
                .expectHeader().valueEquals("x-ratelimit-remaining-requests", "0");
        chat(limited, 10).expectStatus().isEqualTo(429)
                .expectHeader().valueEquals("x-ratelimit-remaining-requests", "0")
                .expectHeader().value(HttpHeaders.RETRY_AFTER, seconds -> assertThat(Long.parseLong(seconds))
                        .isBetween(1L, 31L))
                .expectBody()
                .jsonPath("$.error.code").isEqualTo("rate_limit_exceeded")
                .jsonPath("$.error.type").isEqualTo("requests");
        int served = CELL.completions();

        chat(TOKENS.forTenant("unhindered"), 10).expectStatus().isOk()
                .expectHeader().valueEquals("x-ratelimit-limit-requests", "1000");
        assertThat(CELL.completions()).as("only the other tenant's request reached the cell").isEqualTo(served + 1);
    }

    @Test
    void tokensReservedFromTheRequestAreSettledWithTheUsageTheCellReports() {
        String token = TOKENS.forTenant("settled");
        // 1500 reserved of 2000: a second such request fits only if the first gave back what it did not use.
        EntityExchangeResult<byte[]> first = chat(token, 1500).expectStatus().isOk()
                .expectHeader().valueEquals("x-ratelimit-limit-tokens", "2000")
                .expectHeader().doesNotExist(WarmpathHeaders.USAGE)
                .expectBody().returnResult();
        assertThat(remainingTokens(first)).isLessThan(500);

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> chat(token, 1500).expectStatus().isOk());
    }

    @Test
    void aStreamSettlesWithTheUsageReportedInItsLastComment() {
        String token = TOKENS.forTenant("streamed");
        stream(token, 1500).expectStatus().isOk().expectBody(String.class)
                .value(body -> assertThat(body).endsWith("data: [DONE]\n\n"));

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> stream(token, 1500).expectStatus().isOk());
    }

    @Test
    void aTenantOverItsTokenRateGets429OfTypeTokens() {
        String token = TOKENS.forTenant("heavy");
        CELL.reportedTokens = 1900;
        chat(token, 50).expectStatus().isOk();

        // The turn used 1900 of 2000 tokens: 500 more do not fit until the bucket refills.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> chat(token, 500).expectStatus().isEqualTo(429)
                .expectHeader().exists(HttpHeaders.RETRY_AFTER)
                .expectHeader().valueEquals("x-ratelimit-limit-tokens", "2000")
                .expectBody()
                .jsonPath("$.error.code").isEqualTo("token_rate_limit_exceeded")
                .jsonPath("$.error.type").isEqualTo("tokens"));
    }

    @Test
    void aTenantAtItsConcurrencyLimitGets429UntilItsRequestInFlightEnds() {
        String token = TOKENS.forTenant("one-at-a-time");
        // The stub cell's stream takes about half a second.
        CompletableFuture<Integer> inFlight = CompletableFuture.supplyAsync(() -> stream(token, 10).expectBody()
                .returnResult().getStatus().value());
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> chat(token, 10).expectStatus().isEqualTo(429)
                .expectBody().jsonPath("$.error.code").isEqualTo("concurrency_limit_exceeded"));

        assertThat(inFlight.join()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> chat(token, 10).expectStatus().isOk());
    }

    @Test
    void anApiKeyIsHeldToItsOwnLimitsBesideItsTenants() {
        String limitedKey = SESSIONS.issueApiKey("keyed", List.of("inference:invoke"), new RateLimits(1L, null, null));
        String otherKey = SESSIONS.issueApiKey("keyed", List.of("inference:invoke"));

        chat(limitedKey, 10).expectStatus().isOk()
                .expectHeader().valueEquals("x-ratelimit-limit-requests", "1");
        chat(limitedKey, 10).expectStatus().isEqualTo(429)
                .expectBody().jsonPath("$.error.code").isEqualTo("rate_limit_exceeded");

        chat(otherKey, 10).expectStatus().isOk()
                .expectHeader().valueEquals("x-ratelimit-limit-requests", "1000");
    }

    private WebTestClient.ResponseSpec chat(String bearer, int maxTokens) {
        return client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + bearer)
                .bodyValue("{\"model\":\"" + MODEL + "\",\"max_tokens\":" + maxTokens
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .exchange();
    }

    private WebTestClient.ResponseSpec stream(String bearer, int maxTokens) {
        return client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + bearer)
                .bodyValue("{\"model\":\"" + MODEL + "\",\"stream\":true,\"max_tokens\":" + maxTokens
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .exchange();
    }

    private static long remainingTokens(EntityExchangeResult<?> result) {
        return Long.parseLong(result.getResponseHeaders().getFirst("x-ratelimit-remaining-tokens"));
    }
}
