package io.warmpath.session.bindings;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.warmpath.contracts.Ids;
import io.warmpath.session.SessionServiceTest;
import io.warmpath.session.redis.RedisKeys;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.web.servlet.client.RestTestClient.ResponseSpec;

import static org.assertj.core.api.Assertions.assertThat;

class BindingApiTest extends SessionServiceTest {

    private final String cellA = "cell-a-" + UUID.randomUUID();
    private final String cellB = "cell-b-" + UUID.randomUUID();

    @Autowired
    StringRedisTemplate redis;

    @Test
    void everyBindIncrementsTheEpochAndResolveShowsTheBinding() {
        String id = (String) resolve(tenant, "bind-me").get("session_id");

        Map<?, ?> first = bind(id, cellA, null).expectStatus().isOk().expectBody(Map.class).returnResult()
                .getResponseBody();
        Map<?, ?> second = bind(id, cellA, 1L).expectStatus().isOk().expectBody(Map.class).returnResult()
                .getResponseBody();

        assertThat(first.get("epoch")).isEqualTo(1);
        assertThat(second.get("epoch")).isEqualTo(2);
        assertThat(second.get("cell_id")).isEqualTo(cellA);
        assertThat(second.get("last_prompt_tokens")).isNull();
        Map<?, ?> binding = (Map<?, ?>) resolve(tenant, "bind-me").get("binding");
        assertThat(binding.get("cell_id")).isEqualTo(cellA);
        assertThat(binding.get("model")).isEqualTo("kimi-k2.5");
        assertThat(binding.get("epoch")).isEqualTo(2);
        assertThat(binding.get("bound_at")).isNotNull();
    }

    @Test
    void aStaleExpectedEpochIsAConflict() {
        String id = (String) resolve(tenant, "cas").get("session_id");
        bind(id, cellA, null).expectStatus().isOk();
        bind(id, cellB, 1L).expectStatus().isOk();

        bind(id, cellA, 1L).expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.error.code").isEqualTo("binding_epoch_conflict")
                .jsonPath("$.error.message").value(m -> assertThat((String) m).contains("current epoch 2"));

        assertThat(((Map<?, ?>) resolve(tenant, "cas").get("binding")).get("cell_id")).isEqualTo(cellB);
    }

    @Test
    void cellIndexListsTheSessionAndDropsItOnRebindOrClose() {
        String first = (String) resolve(tenant, "one").get("session_id");
        String second = (String) createSession(tenant, Map.of("workflow", "agent")).get("id");
        bind(first, cellA, null).expectStatus().isOk();
        bind(second, cellA, null).expectStatus().isOk();
        assertThat(sessionsOn(cellA)).containsExactlyInAnyOrder(first, second);

        bind(first, cellB, 1L).expectStatus().isOk();
        assertThat(sessionsOn(cellA)).containsExactly(second);
        assertThat(sessionsOn(cellB)).containsExactly(first);

        delete(tenant, "/v1/sessions/" + second).expectStatus().isNoContent();
        assertThat(sessionsOn(cellA)).isEmpty();
    }

    @Test
    void expiredSessionsLeaveTheCellIndexOnTheNextWriteWithoutAnyRead() {
        for (int i = 0; i < 3; i++) {
            String shortLived = (String) createSession(tenant, Map.of("workflow", "agent", "ttl_seconds", 60))
                    .get("id");
            bind(shortLived, cellA, null).expectStatus().isOk();
        }
        clock.advance(Duration.ofMinutes(2));

        String fresh = (String) createSession(tenant, Map.of("workflow", "agent")).get("id");
        bind(fresh, cellA, null).expectStatus().isOk();

        assertThat(redis.opsForZSet().size(RedisKeys.cellIndex(cellA))).isEqualTo(1);
        assertThat(sessionsOn(cellA)).containsExactly(fresh);
    }

    @Test
    void aResolvedSessionStaysListedPastItsFirstExpiry() {
        Map<String, Object> created = createSession(tenant, Map.of("workflow", "agent", "ttl_seconds", 60));
        String id = (String) created.get("id");
        bind(id, cellA, null).expectStatus().isOk();
        String other = (String) createSession(tenant, Map.of("workflow", "agent", "ttl_seconds", 60)).get("id");
        bind(other, cellA, null).expectStatus().isOk();

        clock.advance(Duration.ofSeconds(50));
        resolve(tenant, (String) created.get("affinity_token"));
        clock.advance(Duration.ofSeconds(20));

        assertThat(sessionsOn(cellA)).containsExactly(id);
    }

    @Test
    void anIndexEntryLeftBehindIsNotListed() {
        String id = (String) createSession(tenant, Map.of("workflow", "agent")).get("id");
        bind(id, cellB, null).expectStatus().isOk();
        // As if a resolve filed the session under its old cell just after a rebind took it away (the index is kept
        // outside the session's atomic step): the entry is there, the session is bound elsewhere.
        redis.opsForZSet().add(RedisKeys.cellIndex(cellA), id, clock.millis() + Duration.ofHours(1).toMillis());

        assertThat(sessionsOn(cellA)).isEmpty();
        assertThat(sessionsOn(cellB)).containsExactly(id);
    }

    @Test
    void aCrowdedCellIsListedCompletelyAndSorted() {
        // More entries than one index read returns, filed straight into the index as binds would file them, each
        // with the binding in its session's hash that the listing checks.
        String index = RedisKeys.cellIndex(cellA);
        double expiry = clock.millis() + Duration.ofHours(1).toMillis();
        Set<String> filed = new HashSet<>();
        for (int i = 0; i < 1200; i++) {
            String id = Ids.random("ses_");
            filed.add(id);
            redis.opsForZSet().add(index, id, expiry);
            redis.opsForHash().put(RedisKeys.session(id), "cell", cellA);
            redis.expire(RedisKeys.session(id), Duration.ofHours(1));
        }
        redis.expire(index, Duration.ofHours(1));

        List<String> listed = sessionsOn(cellA);

        assertThat(listed).hasSize(1200).isSorted();
        assertThat(listed).containsExactlyInAnyOrderElementsOf(filed);
    }

    @Test
    void anotherTenantCannotBindASession() {
        String id = (String) resolve(tenant, "mine").get("session_id");

        put("intruder-" + tenant, "/internal/sessions/" + id + "/binding",
                Map.of("cell_id", cellA, "model", "kimi-k2.5", "reason", "new")).expectStatus().isNotFound();
        assertThat(sessionsOn(cellA)).isEmpty();
    }

    @Test
    void invalidBindRequestsAreBadRequests() {
        String id = (String) resolve(tenant, "bad").get("session_id");

        put(tenant, "/internal/sessions/" + id + "/binding", Map.of("model", "kimi-k2.5"))
                .expectStatus().isBadRequest().expectBody().jsonPath("$.error.message")
                .value(m -> assertThat((String) m).contains("cell_id"));
        put(tenant, "/internal/sessions/" + id + "/binding",
                Map.of("cell_id", cellA, "model", "kimi-k2.5", "reason", "whim")).expectStatus().isBadRequest();
        put(tenant, "/internal/sessions/" + id + "/binding",
                Map.of("cell_id", cellA, "model", "kimi-k2.5", "expected_epoch", "one")).expectStatus()
                .isBadRequest();
    }

    private ResponseSpec bind(String sessionId, String cell, Long expectedEpoch) {
        Map<String, Object> body = new HashMap<>(Map.of("cell_id", cell, "model", "kimi-k2.5", "reason",
                expectedEpoch == null ? "new" : "rebind_unhealthy"));
        body.put("expected_epoch", expectedEpoch);
        return put(tenant, "/internal/sessions/" + sessionId + "/binding", body);
    }

    @SuppressWarnings("unchecked")
    private List<String> sessionsOn(String cell) {
        Map<?, ?> body = get(tenant, "/internal/cells/" + cell + "/sessions").expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
        assertThat(body.get("cell_id")).isEqualTo(cell);
        return (List<String>) body.get("session_ids");
    }
}
