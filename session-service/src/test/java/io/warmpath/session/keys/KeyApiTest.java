package io.warmpath.session.keys;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.warmpath.assertion.testing.TestAssertions;
import io.warmpath.contracts.assertion.Assertion;
import io.warmpath.contracts.assertion.Audiences;
import io.warmpath.contracts.sessions.ApiKeys;
import io.warmpath.session.SessionServiceTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient.ResponseSpec;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** /v1/keys and /internal/keys/resolve over HTTP against a real Redis. */
class KeyApiTest extends SessionServiceTest {

    private static final List<String> ADMIN_SCOPES = List.of("keys:admin", "inference:invoke", "sessions:write");

    @Autowired
    StringRedisTemplate redis;

    @Test
    void aCreatedKeyIsShownOnceStoredOnlyAsItsHashAndResolvesToItsTenantAndScopes() {
        JsonNode created = create(Map.of("name", "ci agent", "scopes", List.of("inference:invoke")))
                .expectStatus().isCreated().expectBody(JsonNode.class).returnResult().getResponseBody();
        String key = created.path("key").asString();

        assertThat(ApiKeys.isWellFormed(key)).isTrue();
        assertThat(created.path("prefix").asString()).isEqualTo(ApiKeys.prefix(key));
        assertThat(created.path("id").asString()).startsWith("key_");
        Set<String> redisKeys = redis.keys("wp:key*");
        assertThat(redisKeys).contains("wp:key:" + ApiKeys.hash(key));
        for (String redisKey : redisKeys) {
            String value = redis.type(redisKey).code().equals("string") ? redis.opsForValue().get(redisKey)
                    : String.valueOf(redis.opsForHash().entries(redisKey));
            assertThat(redisKey + value).doesNotContain(key);
        }
        JsonNode listed = get(tenant, "/v1/keys").expectStatus().isOk().expectBody(JsonNode.class).returnResult()
                .getResponseBody();
        assertThat(listed.toString()).doesNotContain(key);
        assertThat(listed.path("data").get(0).path("prefix").asString()).isEqualTo(ApiKeys.prefix(key));
        assertThat(listed.path("data").get(0).path("name").asString()).isEqualTo("ci agent");

        JsonNode resolved = resolve(ApiKeys.hash(key)).expectStatus().isOk().expectBody(JsonNode.class)
                .returnResult().getResponseBody();
        assertThat(resolved.path("tenant").asString()).isEqualTo(tenant);
        assertThat(resolved.path("key_id").asString()).isEqualTo(created.path("id").asString());
        assertThat(resolved.path("scopes").get(0).asString()).isEqualTo("inference:invoke");
    }

    @Test
    void onlyTheGatewaysResolveScopeMayResolveAKey() {
        client.post().uri("/internal/keys/resolve").header(HttpHeaders.AUTHORIZATION, bearer(tenant))
                .contentType(MediaType.APPLICATION_JSON).body(Map.of("key_hash", "0".repeat(64))).exchange()
                .expectStatus().isForbidden();
        resolve("0".repeat(64)).expectStatus().isNotFound();
        resolve("not-a-hash").expectStatus().isBadRequest().expectBody().jsonPath("$.error.param")
                .isEqualTo("key_hash");
    }

    @Test
    void aKeyNeverHasMoreThanItsCreator() {
        create(Map.of("name", "x", "scopes", List.of("artifacts:admin"))).expectStatus().isForbidden()
                .expectBody().jsonPath("$.error.code").isEqualTo("insufficient_scope")
                .jsonPath("$.error.param").isEqualTo("scopes");
        create(Map.of("name", "x", "scopes", List.of("keys:resolve"))).expectStatus().isForbidden();
        // A key never makes keys: one that could would outlive the key that made it.
        create(Map.of("name", "x", "scopes", List.of("keys:admin"))).expectStatus().isForbidden();
        create(Map.of("name", "x", "scopes", List.of("inference:invoke"), "roles", List.of("data:regulated")))
                .expectStatus().isForbidden().expectBody().jsonPath("$.error.param").isEqualTo("roles");
        create(Map.of("name", "x", "scopes", List.of("inference:invoke"), "clearance", "regulated"))
                .expectStatus().isForbidden().expectBody().jsonPath("$.error.param").isEqualTo("clearance");
        // Without keys:admin there is no key to be had at all.
        client.post().uri("/v1/keys").header(HttpHeaders.AUTHORIZATION, bearer(tenant))
                .contentType(MediaType.APPLICATION_JSON).body(Map.of("name", "x", "scopes", List.of("inference:invoke")))
                .exchange().expectStatus().isForbidden();
    }

    @Test
    void aBadRequestNamesItsField() {
        create(Map.of("name", "x")).expectStatus().isBadRequest().expectBody().jsonPath("$.error.param")
                .isEqualTo("scopes");
        create(Map.of("scopes", List.of("inference:invoke"))).expectStatus().isBadRequest().expectBody()
                .jsonPath("$.error.param").isEqualTo("name");
        create(Map.of("name", "x", "scopes", java.util.Arrays.asList((String) null))).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.param").value(param -> assertThat((String) param).startsWith("scopes"));
        create(Map.of("name", "x", "scopes", List.of("inference:invoke"), "expires_in_days", 0))
                .expectStatus().isBadRequest().expectBody().jsonPath("$.error.param").isEqualTo("expires_in_days");
    }

    @Test
    void aRevokedOrExpiredKeyResolvesToNothingAndAnotherTenantCannotTouchIt() {
        JsonNode revoked = createdKey(Map.of("name", "a", "scopes", List.of("inference:invoke")));
        JsonNode expiring = createdKey(Map.of("name", "b", "scopes", List.of("inference:invoke"), "expires_in_days", 1));
        String otherTenant = tenant + "-other";

        client.delete().uri("/v1/keys/" + revoked.path("id").asString())
                .header(HttpHeaders.AUTHORIZATION, bearer(admin(otherTenant))).exchange().expectStatus().isNotFound();
        resolve(ApiKeys.hash(revoked.path("key").asString())).expectStatus().isOk();
        client.delete().uri("/v1/keys/" + revoked.path("id").asString())
                .header(HttpHeaders.AUTHORIZATION, bearer(admin(tenant))).exchange().expectStatus().isNoContent();
        resolve(ApiKeys.hash(revoked.path("key").asString())).expectStatus().isNotFound();
        client.delete().uri("/v1/keys/" + revoked.path("id").asString())
                .header(HttpHeaders.AUTHORIZATION, bearer(admin(tenant))).exchange().expectStatus().isNotFound();

        resolve(ApiKeys.hash(expiring.path("key").asString())).expectStatus().isOk();
        clock.advance(Duration.ofDays(1).plusSeconds(1));
        resolve(ApiKeys.hash(expiring.path("key").asString())).expectStatus().isNotFound();
    }

    private JsonNode createdKey(Map<String, Object> body) {
        return create(body).expectStatus().isCreated().expectBody(JsonNode.class).returnResult().getResponseBody();
    }

    @Test
    void aKeysOwnRateLimitsAreStoredAndResolvedAndOutOfRangeOnesAre400NamingTheField() {
        JsonNode created = create(Map.of("name", "batch", "scopes", List.of("inference:invoke"),
                "limits", Map.of("requests_per_minute", 60, "concurrent_requests", 2)))
                .expectStatus().isCreated().expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(created.path("limits").path("requests_per_minute").asLong()).isEqualTo(60);

        JsonNode resolved = resolve(ApiKeys.hash(created.path("key").asString())).expectStatus().isOk()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(resolved.path("limits").path("requests_per_minute").asLong()).isEqualTo(60);
        assertThat(resolved.path("limits").path("concurrent_requests").asLong()).isEqualTo(2);
        assertThat(resolved.path("limits").has("tokens_per_minute")).isFalse();

        create(Map.of("name", "broken", "scopes", List.of("inference:invoke"),
                "limits", Map.of("tokens_per_minute", 0)))
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.param").isEqualTo("limits.tokens_per_minute");
    }

    private ResponseSpec create(Map<String, Object> body) {
        return client.post().uri("/v1/keys").header(HttpHeaders.AUTHORIZATION, bearer(admin(tenant)))
                .contentType(MediaType.APPLICATION_JSON).body(body).exchange();
    }

    private ResponseSpec resolve(String hash) {
        return client.post().uri("/internal/keys/resolve")
                .header(HttpHeaders.AUTHORIZATION, TestAssertions.shared().bearer(
                        Assertion.service("warmpath-gateway", List.of("keys:resolve")), Audiences.SESSIONS))
                .contentType(MediaType.APPLICATION_JSON).body(Map.of("key_hash", hash)).exchange();
    }

    private static Assertion admin(String tenant) {
        return caller(tenant, SUBJECT, ADMIN_SCOPES);
    }

    @Override
    protected ResponseSpec get(String tenant, String path) {
        return client.get().uri(path).header(HttpHeaders.AUTHORIZATION, bearer(admin(tenant))).exchange();
    }
}
