package io.warmpath.gateway;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import io.warmpath.contracts.WarmpathHeaders;
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
 * {@code Idempotency-Key} at the gateway, kept in a real Redis: a repeat gets the first response again (a stream as
 * the same bytes) without reaching the cell or spending rate, a repeat in flight 409, another request under the key
 * 422, a malformed key 400; a failure gives the key back; a response too large to keep is never served twice. Each
 * test has a key (and mostly a tenant) of its own.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "30s")
class IdempotencyIntegrationTest {

    private static final String MODEL = "kimi-k2.5";
    private static final StubCell CELL = StubCell.start("idem-a", MODEL, true);
    private static final StubSessionService SESSIONS = StubSessionService.start();
    private static final TestTokens TOKENS = new TestTokens();
    private static final LocalRedis REDIS = LocalRedis.start(StubPorts.closedPort());

    @DynamicPropertySource
    static void gatewayProperties(DynamicPropertyRegistry registry) {
        CELL.registerAsOnlyCell(registry);
        registry.add("spring.security.oauth2.resourceserver.jwt.public-key-location", TOKENS::publicKeyLocation);
        registry.add("warmpath.gateway.health.probe-interval", () -> "1h");
        registry.add("warmpath.gateway.sessions.url", SESSIONS::url);
        registry.add("warmpath.gateway.policy.enabled", () -> "false");
        registry.add("spring.data.redis.port", REDIS::port);
        registry.add("warmpath.gateway.idempotency.enabled", () -> "true");
        registry.add("warmpath.gateway.idempotency.max-response-bytes", () -> "4KB");
        registry.add("warmpath.gateway.limits.enabled", () -> "true");
        registry.add("warmpath.gateway.limits.tenants.two-a-minute.requests-per-minute", () -> "2");
    }

    @Autowired
    WebTestClient client;

    @Autowired
    CellProber prober;

    @BeforeEach
    void cellHealthy() {
        prober.refresh().block();
        CELL.refuseWithUnmarked503(false);
        CELL.cutStreams(false);
        CELL.answerPadding = 0;
    }

    @AfterAll
    static void stop() {
        CELL.stop();
        SESSIONS.stop();
        REDIS.close();
    }

    @Test
    void aRepeatGetsTheFirstResponseAgainWithoutReachingTheCellOrSpendingRate() {
        String token = TOKENS.forTenant("two-a-minute");
        EntityExchangeResult<byte[]> first = chat(token, "key-unary", "hi").expectStatus().isOk()
                .expectHeader().doesNotExist(WarmpathHeaders.IDEMPOTENT_REPLAYED)
                .expectBody().returnResult();
        int served = CELL.completions();

        awaitSettled(() -> chat(token, "key-unary", "hi"));
        for (int repeat = 0; repeat < 3; repeat++) {
            EntityExchangeResult<byte[]> again = chat(token, "key-unary", "hi").expectStatus().isOk()
                    .expectHeader().valueEquals(WarmpathHeaders.IDEMPOTENT_REPLAYED, "true")
                    .expectHeader().valueEquals(WarmpathHeaders.CELL, "idem-a")
                    .expectHeader().contentType(MediaType.APPLICATION_JSON)
                    .expectBody().returnResult();
            assertThat(again.getResponseBody()).isEqualTo(first.getResponseBody());
        }
        assertThat(CELL.completions()).as("no repeat reached the cell").isEqualTo(served);
        // Two a minute: the first request spent one, the replays none.
        chat(token, "key-second", "hi").expectStatus().isOk();
    }

    @Test
    void aStreamIsReplayedAsTheSameEventsAndARepeatWhileItRunsGets409WithRetryAfter() {
        String token = TOKENS.forTenant("streams");
        // The stub's stream takes about half a second.
        CompletableFuture<EntityExchangeResult<byte[]>> first = CompletableFuture.supplyAsync(() ->
                stream(token, "key-stream").expectStatus().isOk().expectBody().returnResult());
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> stream(token, "key-stream")
                .expectStatus().isEqualTo(409)
                .expectHeader().valueEquals(HttpHeaders.RETRY_AFTER, "1")
                .expectBody().jsonPath("$.error.code").isEqualTo("idempotency_key_in_use"));
        byte[] streamed = first.join().getResponseBody();
        assertThat(new String(streamed)).contains("\"content\":\"wor\"").endsWith("data: [DONE]\n\n");
        int served = CELL.completions();

        awaitSettled(() -> stream(token, "key-stream"));
        EntityExchangeResult<byte[]> replayed = stream(token, "key-stream").expectStatus().isOk()
                .expectHeader().valueEquals(WarmpathHeaders.IDEMPOTENT_REPLAYED, "true")
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
                .expectBody().returnResult();
        assertThat(replayed.getResponseBody()).isEqualTo(streamed);
        assertThat(CELL.completions()).isEqualTo(served);
    }

    @Test
    void theSameKeyWithAnotherRequestIs422AndAnotherTenantsKeyIsItsOwn() {
        chat(TOKENS.forTenant("reuser"), "key-reused", "hi").expectStatus().isOk();
        awaitSettled(() -> chat(TOKENS.forTenant("reuser"), "key-reused", "hi"));

        chat(TOKENS.forTenant("reuser"), "key-reused", "something else").expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.error.code").isEqualTo("idempotency_key_reused");
        int served = CELL.completions();
        chat(TOKENS.forTenant("neighbour"), "key-reused", "something else").expectStatus().isOk()
                .expectHeader().doesNotExist(WarmpathHeaders.IDEMPOTENT_REPLAYED);
        assertThat(CELL.completions()).isEqualTo(served + 1);
    }

    @Test
    void aMalformedKeyIs400AndTheQuotedFormOfAKeyIsTheSameKey() {
        String token = TOKENS.forTenant("keys");
        for (String malformed : new String[] {"\"unterminated", "two words", "\"\"", "x".repeat(256), "\"a\\b\""}) {
            chat(token, malformed, "hi").expectStatus().isBadRequest()
                    .expectBody().jsonPath("$.error.code").isEqualTo("invalid_idempotency_key");
        }
        chat(token, "key-quoted", "hi").expectStatus().isOk();
        awaitSettled(() -> chat(token, "key-quoted", "hi"));
        chat(token, "\"key-quoted\"", "hi").expectStatus().isOk()
                .expectHeader().valueEquals(WarmpathHeaders.IDEMPOTENT_REPLAYED, "true");
    }

    @Test
    void aFailedRequestGivesItsKeyBackSoTheRepeatIsServed() {
        String token = TOKENS.forTenant("retrier");
        // A 503 that is not the cell's own (session-service down, say): the cell stays in routing.
        CELL.refuseWithUnmarked503(true);
        chat(token, "key-failed", "hi").expectStatus().isEqualTo(503);
        CELL.refuseWithUnmarked503(false);
        int served = CELL.completions();

        chat(token, "key-failed", "hi").expectStatus().isOk()
                .expectHeader().doesNotExist(WarmpathHeaders.IDEMPOTENT_REPLAYED);
        assertThat(CELL.completions()).isEqualTo(served + 1);
    }

    @Test
    void aStreamCutBeforeItsEndGivesItsKeyBackAndTheRepeatIsServed() {
        String token = TOKENS.forTenant("cut");
        CELL.cutStreams(true);
        String cut = new String(stream(token, "key-cut").expectStatus().isOk().expectBody().returnResult()
                .getResponseBody());
        assertThat(cut).doesNotContain("[DONE]");
        CELL.cutStreams(false);
        int served = CELL.completions();

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(new String(stream(token, "key-cut")
                .expectStatus().isOk().expectHeader().doesNotExist(WarmpathHeaders.IDEMPOTENT_REPLAYED)
                .expectBody().returnResult().getResponseBody())).endsWith("data: [DONE]\n\n"));
        assertThat(CELL.completions()).isGreaterThan(served);
    }

    @Test
    void anotherCallerOfTheTenantWithTheSameKeyGetsNoReplayOfTheFirstCallersResponse() {
        chat(TOKENS.forTenant("shared"), "key-of-alice", "hi").expectStatus().isOk();
        awaitSettled(() -> chat(TOKENS.forTenant("shared"), "key-of-alice", "hi"));
        int served = CELL.completions();

        String bob = TOKENS.token(claims -> claims.claim("tenant", "shared").subject("bob"));
        chat(bob, "key-of-alice", "hi").expectStatus().isOk()
                .expectHeader().doesNotExist(WarmpathHeaders.IDEMPOTENT_REPLAYED);
        assertThat(CELL.completions()).isEqualTo(served + 1);
    }

    @Test
    void aResponseTooLargeToKeepIsServedOnceAndItsRepeatIsToldSo() {
        String token = TOKENS.forTenant("large");
        CELL.answerPadding = 8_000;
        chat(token, "key-large", "hi").expectStatus().isOk();
        int served = CELL.completions();
        awaitSettled(() -> chat(token, "key-large", "hi"));

        chat(token, "key-large", "hi").expectStatus().isEqualTo(409)
                .expectHeader().doesNotExist(HttpHeaders.RETRY_AFTER)
                .expectBody().jsonPath("$.error.code").isEqualTo("idempotent_response_not_kept");
        assertThat(CELL.completions()).isEqualTo(served);
    }

    /**
     * The outcome is recorded just after the client has the response: a repeat sent at once may still find the key in
     * use (409, which OpenAI's SDKs retry). Waits until it does not.
     */
    private static void awaitSettled(Supplier<WebTestClient.ResponseSpec> repeat) {
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            byte[] body = repeat.get().expectBody().returnResult().getResponseBodyContent();
            return body == null || !new String(body, StandardCharsets.UTF_8).contains("idempotency_key_in_use");
        });
    }

    private WebTestClient.ResponseSpec chat(String bearer, String key, String content) {
        return client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + bearer)
                .header(WarmpathHeaders.IDEMPOTENCY_KEY, key)
                .bodyValue("{\"model\":\"" + MODEL + "\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"" + content + "\"}]}")
                .exchange();
    }

    private WebTestClient.ResponseSpec stream(String bearer, String key) {
        return client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + bearer)
                .header(WarmpathHeaders.IDEMPOTENCY_KEY, key)
                .bodyValue("{\"model\":\"" + MODEL + "\",\"stream\":true,\"max_tokens\":10,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .exchange();
    }
}
