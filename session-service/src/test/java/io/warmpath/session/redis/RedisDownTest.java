package io.warmpath.session.redis;

import java.util.Map;

import io.warmpath.devredis.LocalRedis;
import io.warmpath.session.SessionServiceTest;
import io.warmpath.session.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.client.RestTestClient;

/**
 * A Redis of this test's own serves the service; once that Redis is stopped, every call fails closed with 503 and
 * Retry-After, never a 500.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "warmpath.session.warm-up-rounds=0")
@AutoConfigureRestTestClient
class RedisDownTest {

    @Autowired
    RestTestClient client;

    private static LocalRedis redis;

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        redis = LocalRedis.start(TestRedis.freePort());
        registry.add("spring.data.redis.port", redis::port);
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @Test
    void redisServesUntilStoppedThenCallsAreUnavailable() {
        Map<?, ?> created = client.post().uri("/v1/sessions").header(HttpHeaders.AUTHORIZATION, SessionServiceTest.bearer("t1"))
                .contentType(MediaType.APPLICATION_JSON).body(Map.of("workflow", "agent")).exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();

        redis.close();

        client.post().uri("/v1/sessions").header(HttpHeaders.AUTHORIZATION, SessionServiceTest.bearer("t1"))
                .contentType(MediaType.APPLICATION_JSON).body(Map.of("workflow", "agent")).exchange()
                .expectStatus().isEqualTo(503).expectHeader().valueEquals("Retry-After", "1")
                .expectBody().jsonPath("$.error.code").isEqualTo("session_store_unavailable");
        client.post().uri("/internal/resolve").header(HttpHeaders.AUTHORIZATION, SessionServiceTest.bearer("t1"))
                .contentType(MediaType.APPLICATION_JSON).body(Map.of("affinity", created.get("affinity_token")))
                .exchange().expectStatus().isEqualTo(503);
        client.get().uri("/v1/sessions/" + created.get("id")).header(HttpHeaders.AUTHORIZATION, SessionServiceTest.bearer("t1")).exchange()
                .expectStatus().isEqualTo(503);
        client.post().uri("/internal/sessions/" + created.get("id") + "/reservations")
                .header(HttpHeaders.AUTHORIZATION, SessionServiceTest.bearer("t1")).contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("model", "kimi-k2.5", "prompt_tokens", 1, "max_tokens", 1)).exchange()
                .expectStatus().isEqualTo(503);
    }
}
