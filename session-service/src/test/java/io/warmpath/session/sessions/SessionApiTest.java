package io.warmpath.session.sessions;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.warmpath.assertion.testing.TestAssertions;
import io.warmpath.contracts.WarmpathHeaders;
import io.warmpath.contracts.assertion.Assertion;
import io.warmpath.contracts.assertion.Audiences;
import io.warmpath.session.SessionServiceTest;
import io.warmpath.session.redis.RedisKeys;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.connection.DataType;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;

class SessionApiTest extends SessionServiceTest {

    @Autowired
    StringRedisTemplate redis;

    @Test
    void createdSessionCarriesA256BitTokenAndReadsBackWithoutIt() {
        Map<String, Object> created = createSession(tenant, Map.of("workflow", "code-review", "region", "eu-west",
                "ttl_seconds", 600, "budgets", Map.of("max_total_tokens", 100000, "max_cost_usd", 2.5)));

        String token = (String) created.get("affinity_token");
        assertThat(token).matches("wpt_[A-Za-z0-9_-]{43}");
        assertThat(Base64.getUrlDecoder().decode(token.substring(4))).hasSize(32);
        assertThat((String) created.get("id")).matches("ses_[a-z2-7]{26}");
        assertThat(created).containsEntry("data_class", "internal").containsEntry("implicit", false);
        Instant expiresAt = Instant.parse((String) created.get("expires_at"));
        assertThat(expiresAt).isBetween(clock.instant().plusSeconds(590), clock.instant().plusSeconds(610));

        String body = get(tenant, "/v1/sessions/" + created.get("id")).expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(body).doesNotContain(token).contains("\"workflow\":\"code-review\"")
                .contains("\"region\":\"eu-west\"").contains("\"max_total_tokens\":100000")
                .contains("\"max_cost_usd\":2.5").contains("\"binding\":null");
    }

    @Test
    void tokensAreNeverStoredInClear() {
        Map<String, Object> created = createSession(tenant, Map.of("workflow", "agent"));
        String first = (String) created.get("affinity_token");
        String second = post(tenant, "/v1/sessions/" + created.get("id") + "/rotate", Map.of())
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody()
                .get("affinity_token").toString();
        String implicitValue = "my-private-affinity-" + tenant;
        resolve(tenant, implicitValue);

        String everything = String.join("\n", dumpRedis());
        assertThat(everything).contains((String) created.get("id"));
        for (String secret : List.of(first, second, implicitValue)) {
            assertThat(everything).doesNotContain(secret).doesNotContain(secret.substring(4));
        }
    }

    @Test
    void tokenResolvesToItsSessionAndSlidesItsExpiry() {
        Map<String, Object> created = createSession(tenant, Map.of("workflow", "agent", "ttl_seconds", 120));
        clock.advance(Duration.ofSeconds(60));

        Map<String, Object> resolved = resolve(tenant, (String) created.get("affinity_token"));

        assertThat(resolved).containsEntry("session_id", created.get("id")).containsEntry("tenant", tenant)
                .containsEntry("workflow", "agent").containsEntry("implicit", false);
        Map<?, ?> session = get(tenant, "/v1/sessions/" + created.get("id")).expectBody(Map.class)
                .returnResult().getResponseBody();
        assertThat(Instant.parse((String) session.get("expires_at")))
                .isAfter(Instant.parse((String) created.get("expires_at")));
        assertThat(redis.getExpire(RedisKeys.session((String) created.get("id")))).isBetween(110L, 120L);
    }

    @Test
    void anotherTenantsTokenIsNotFound() {
        String token = (String) createSession(tenant, Map.of("workflow", "agent")).get("affinity_token");

        post("intruder-" + tenant, "/internal/resolve", Map.of("affinity", token))
                .expectStatus().isNotFound().expectBody().jsonPath("$.error.code").isEqualTo("session_not_found");
    }

    @Test
    void anotherTenantsSessionIdIsNotFoundOnEveryEndpoint() {
        String id = (String) createSession(tenant, Map.of("workflow", "agent")).get("id");
        String intruder = "intruder-" + tenant;

        get(intruder, "/v1/sessions/" + id).expectStatus().isNotFound();
        get(intruder, "/v1/sessions/" + id + "/usage").expectStatus().isNotFound();
        post(intruder, "/v1/sessions/" + id + "/rotate", Map.of()).expectStatus().isNotFound();
        delete(intruder, "/v1/sessions/" + id).expectStatus().isNotFound();

        get(tenant, "/v1/sessions/" + id).expectStatus().isOk();
    }

    @Test
    void workflowMismatchIsForbidden() {
        String token = (String) createSession(tenant, Map.of("workflow", "code-review")).get("affinity_token");

        post(tenant, "/internal/resolve", Map.of("affinity", token, "workflow", "support"))
                .expectStatus().isForbidden().expectBody().jsonPath("$.error.code").isEqualTo("workflow_mismatch");
        post(tenant, "/internal/resolve", Map.of("affinity", token, "workflow", "code-review"))
                .expectStatus().isOk();
    }

    @Test
    void rotatedTokenStopsResolvingAtOnce() {
        Map<String, Object> created = createSession(tenant, Map.of("workflow", "agent"));
        String old = (String) created.get("affinity_token");

        Map<?, ?> rotated = post(tenant, "/v1/sessions/" + created.get("id") + "/rotate", Map.of())
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();

        assertThat((String) rotated.get("affinity_token")).matches("wpt_[A-Za-z0-9_-]{43}").isNotEqualTo(old);
        post(tenant, "/internal/resolve", Map.of("affinity", old)).expectStatus().isNotFound();
        assertThat(resolve(tenant, (String) rotated.get("affinity_token"))).containsEntry("session_id",
                created.get("id"));
        // Even a lookup key left behind (a crash between the rotation and its removal) leads nowhere: the session
        // answers only to its current token.
        redis.opsForValue().set(RedisKeys.token(AffinityTokens.hash(old)), (String) created.get("id"));
        post(tenant, "/internal/resolve", Map.of("affinity", old)).expectStatus().isNotFound();
    }

    @Test
    void concurrentFirstTurnsOfAnImplicitSessionAgreeOnOneSession() throws Exception {
        String affinity = "race-" + UUID.randomUUID();
        int turns = 8;
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Object>> ids = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(turns)) {
            for (int i = 0; i < turns; i++) {
                ids.add(CompletableFuture.supplyAsync(() -> {
                    awaitQuietly(start);
                    return resolve(tenant, affinity).get("session_id");
                }, threads));
            }
            start.countDown();
            assertThat(ids.stream().map(CompletableFuture::join).distinct().toList()).hasSize(1);
        }
    }

    @Test
    void anImplicitSessionThatIsGoneIsReopenedInPlaceOfItsLookup() {
        String first = (String) resolve(tenant, "reopen").get("session_id");
        // Expired or lost with a failed-over primary, while its lookup key lives on.
        redis.delete(RedisKeys.session(first));

        String second = (String) resolve(tenant, "reopen").get("session_id");

        assertThat(second).isNotEqualTo(first);
        assertThat(resolve(tenant, "reopen")).containsEntry("session_id", second);
    }

    @Test
    void closedSessionIsGoneWithItsToken() {
        Map<String, Object> created = createSession(tenant, Map.of("workflow", "agent"));
        String id = (String) created.get("id");

        delete(tenant, "/v1/sessions/" + id).expectStatus().isNoContent();

        post(tenant, "/internal/resolve", Map.of("affinity", created.get("affinity_token")))
                .expectStatus().isNotFound();
        get(tenant, "/v1/sessions/" + id).expectStatus().isNotFound();
        delete(tenant, "/v1/sessions/" + id).expectStatus().isNotFound();
        assertThat(redis.keys("wp:{" + id + "}:*")).isEmpty();
        assertThat(redis.hasKey(RedisKeys.token(AffinityTokens.hash((String) created.get("affinity_token")))))
                .isFalse();
    }

    @Test
    void sameAffinityValueFromTwoTenantsIsTwoImplicitSessions() {
        Map<String, Object> first = resolve(tenant, "build-42");
        Map<String, Object> again = resolve(tenant, "build-42");
        Map<String, Object> otherTenant = resolve("other-" + tenant, "build-42");

        assertThat(first).containsEntry("implicit", true).containsEntry("binding", null);
        assertThat(again.get("session_id")).isEqualTo(first.get("session_id"));
        assertThat(otherTenant.get("session_id")).isNotEqualTo(first.get("session_id"));
        assertThat(otherTenant).containsEntry("tenant", "other-" + tenant);
    }

    @Test
    @SuppressWarnings("unchecked")
    void implicitSessionsTakeTheirTenantsDefaults() {
        Map<String, Object> budgeted = resolve("budgeted", "defaults-" + tenant);
        Map<String, Object> plain = resolve(tenant, "defaults-" + tenant);

        assertThat(budgeted).containsEntry("data_class", "confidential").containsEntry("limited", true);
        Map<String, Object> budgetedSession = get("budgeted", "/v1/sessions/" + budgeted.get("session_id"))
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        assertThat((Map<String, Object>) budgetedSession.get("budgets")).containsEntry("max_total_tokens", 5000)
                .containsEntry("max_context_tokens", 4000).containsEntry("max_cost_usd", null);
        assertThat(redis.getExpire(RedisKeys.session((String) budgeted.get("session_id")))).isBetween(590L, 600L);
        assertThat(plain).containsEntry("data_class", "internal").containsEntry("limited", false);
        assertThat(redis.getExpire(RedisKeys.session((String) plain.get("session_id")))).isBetween(3590L, 3600L);
    }

    @Test
    void malformedOrUnknownTokensAreNotFound() {
        post(tenant, "/internal/resolve", Map.of("affinity", "wpt_short")).expectStatus().isNotFound();
        post(tenant, "/internal/resolve", Map.of("affinity", "wpt_" + "A".repeat(43))).expectStatus().isNotFound();
        get(tenant, "/v1/sessions/not-a-session-id").expectStatus().isNotFound();
    }

    @Test
    void requestsWithoutAValidAssertionAreUnauthorized() {
        client.post().uri("/v1/sessions").contentType(MediaType.APPLICATION_JSON).body(Map.of("workflow", "a"))
                .exchange().expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.error.code").isEqualTo("invalid_token");
        // The headers the gateway once set are worth nothing on their own.
        client.post().uri("/internal/resolve").header(WarmpathHeaders.TENANT, tenant)
                .contentType(MediaType.APPLICATION_JSON).body(Map.of("affinity", "x")).exchange()
                .expectStatus().isUnauthorized();
        String forCells = TestAssertions.shared().bearer(caller(tenant, SUBJECT, List.of("sessions:write")),
                Audiences.INFERENCE);
        client.get().uri("/internal/cells/cell-1/sessions").header(HttpHeaders.AUTHORIZATION, forCells).exchange()
                .expectStatus().isUnauthorized();
        client.get().uri("/internal/cells/cell-1/sessions").header(HttpHeaders.AUTHORIZATION, "Bearer forged")
                .exchange().expectStatus().isUnauthorized();
    }

    @Test
    void anAssertionWithoutATenantCannotUseTheSessionApis() {
        String gatewayOwn = bearer(Assertion.service("warmpath-gateway", List.of("sessions:write")));
        client.post().uri("/internal/resolve").header(HttpHeaders.AUTHORIZATION, gatewayOwn)
                .contentType(MediaType.APPLICATION_JSON).body(Map.of("affinity", "x")).exchange()
                .expectStatus().isForbidden();
    }

    @Test
    void theSessionApiChecksTheCallersScopes() {
        String agent = bearer(caller(tenant, SUBJECT, List.of("inference:invoke")));
        String created = (String) createSession(tenant, Map.of("workflow", "a")).get("id");
        client.get().uri("/v1/sessions/" + created).header(HttpHeaders.AUTHORIZATION, agent).exchange()
                .expectStatus().isOk();
        client.delete().uri("/v1/sessions/" + created).header(HttpHeaders.AUTHORIZATION, agent).exchange()
                .expectStatus().isForbidden();
        client.post().uri("/v1/sessions").header(HttpHeaders.AUTHORIZATION, agent)
                .contentType(MediaType.APPLICATION_JSON).body(Map.of("workflow", "a")).exchange()
                .expectStatus().isForbidden();
    }

    @Test
    void onlyItsCreatorOrAnAdminClosesOrRotatesASession() {
        String id = (String) createSession(tenant, Map.of("workflow", "a")).get("id");
        String colleague = bearer(caller(tenant, "bob", List.of("sessions:write")));
        String admin = bearer(caller(tenant, "carol", List.of("sessions:write", "sessions:admin")));

        client.post().uri("/v1/sessions/" + id + "/rotate").header(HttpHeaders.AUTHORIZATION, colleague).exchange()
                .expectStatus().isForbidden()
                .expectBody().jsonPath("$.error.code").isEqualTo("not_session_owner");
        client.delete().uri("/v1/sessions/" + id).header(HttpHeaders.AUTHORIZATION, colleague).exchange()
                .expectStatus().isForbidden();
        get(tenant, "/v1/sessions/" + id).expectStatus().isOk();

        client.post().uri("/v1/sessions/" + id + "/rotate").header(HttpHeaders.AUTHORIZATION, admin).exchange()
                .expectStatus().isOk();
        delete(tenant, "/v1/sessions/" + id).expectStatus().isNoContent();
    }

    @Test
    void badInputIsABadRequestInOpenAiShape() {
        post(tenant, "/v1/sessions", Map.of("workflow", "Not Valid!")).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.type").isEqualTo("invalid_request_error")
                .jsonPath("$.error.message").value(message -> assertThat((String) message).contains("workflow"));
        post(tenant, "/v1/sessions", Map.of("workflow", "a", "ttl_seconds", 10)).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.message").value(m -> assertThat((String) m).contains("ttl_seconds"));
        post(tenant, "/v1/sessions", Map.of("workflow", "a", "data_class", "secret")).expectStatus().isBadRequest();
        post(tenant, "/v1/sessions", Map.of("workflow", "a", "budgets", Map.of("max_total_tokens", -5)))
                .expectStatus().isBadRequest();
        post(tenant, "/v1/sessions", Map.of("workflow", "a", "ttl_seconds", "soon")).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.code").isEqualTo("invalid_json");
        post(tenant, "/v1/sessions", "{not json").expectStatus().isBadRequest();
        post(tenant, "/internal/resolve", Map.of("workflow", "a")).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.message").value(m -> assertThat((String) m).contains("affinity"));
        post(tenant, "/v1/sessions/ses_aaaaaaaaaaaaaaaaaaaaaaaaaa/nothing", Map.of()).expectStatus().isNotFound()
                .expectBody().jsonPath("$.error.code").isEqualTo("not_found");
        post(tenant, "/implicit-only", Map.of()).expectStatus().isNotFound();
    }

    @Test
    void aFieldOutOfItsRangeIsNamedAsOnTheWire() {
        Map<String, Map<String, Object>> refused = Map.of(
                "'workflow' is required and must match [a-z0-9._-]{1,64}.", Map.of("region", "eu"),
                "'data_class' must be one of public, internal, confidential, regulated.",
                Map.of("workflow", "a", "data_class", "Internal"),
                "'region' must match [A-Za-z0-9._-]{1,64}.", Map.of("workflow", "a", "region", "eu west"),
                "'ttl_seconds' must be between 60 and 604800.", Map.of("workflow", "a", "ttl_seconds", 604_801),
                "'budgets.max_growth_tokens_per_turn' must be a whole number from 1 to 2147483647.",
                Map.of("workflow", "a", "budgets", Map.of("max_growth_tokens_per_turn", 0)),
                "'budgets.max_total_tokens' must be a whole number from 1 to 1000000000000000.",
                Map.of("workflow", "a", "budgets", Map.of("max_total_tokens", -5)));
        refused.forEach((message, body) -> post(tenant, "/v1/sessions", body).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.type").isEqualTo("invalid_request_error")
                .jsonPath("$.error.code").isEqualTo("invalid_request")
                .jsonPath("$.error.param").isEqualTo(message.substring(1, message.indexOf('\'', 1)))
                .jsonPath("$.error.message").isEqualTo(message));
    }

    @Test
    void sessionCountersReachPrometheusWithoutSessionLabels() {
        createSession(tenant, Map.of("workflow", "agent"));
        resolve(tenant, "counted-" + tenant);

        String scrape = management().get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(scrape).contains("warmpath_session_sessions_total{kind=\"explicit\"}")
                .contains("warmpath_session_sessions_total{kind=\"implicit\"}")
                .contains("warmpath_session_reservations_total{outcome=\"admitted\"}")
                .doesNotContain(tenant).doesNotContainPattern("ses_[a-z2-7]{26}");
    }

    @Test
    void unknownRequestFieldsAreIgnored() {
        post(tenant, "/v1/sessions", Map.of("workflow", "agent", "future_field", true)).expectStatus().isCreated();
    }

    @Test
    void implicitSessionsHaveNoTokenToRotate() {
        String id = (String) resolve(tenant, "rotate-me").get("session_id");

        post(tenant, "/v1/sessions/" + id + "/rotate", Map.of()).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.code").isEqualTo("implicit_session");
    }

    /** Every key name and every value of every key in Redis, as text. */
    private List<String> dumpRedis() {
        List<String> out = new ArrayList<>();
        // KEYS, not SCAN: on Redis Cluster it asks every master (a test Redis holds little).
        for (String key : redis.keys("*")) {
            out.add(key);
            DataType type = redis.type(key);
            switch (type) {
                case STRING -> out.add(String.valueOf(redis.opsForValue().get(key)));
                case HASH -> out.add(String.valueOf(redis.opsForHash().entries(key)));
                case SET -> out.add(String.valueOf(redis.opsForSet().members(key)));
                case ZSET -> out.add(String.valueOf(redis.opsForZSet().rangeWithScores(key, 0, -1)));
                case LIST -> out.add(String.valueOf(redis.opsForList().range(key, 0, -1)));
                default -> out.add(type.code());
            }
        }
        return out;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
