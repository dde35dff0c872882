package io.warmpath.session.redis;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.warmpath.session.SessionProperties;
import io.warmpath.session.SessionServiceTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Measures what a session costs in Redis with {@code MEMORY USAGE} (key, value and Redis's per-key overhead) and
 * holds it under 1 KiB for a session with budgets and a binding. Prints the figures for the README.
 */
class MemoryFootprintTest extends SessionServiceTest {

    private static final long ONE_KIB = 1024;
    /** Through a script: the connection's raw execute cannot read MEMORY USAGE's integer reply. */
    private static final RedisScript<Long> MEMORY_USAGE = new DefaultRedisScript<>(
            "return redis.call('MEMORY', 'USAGE', KEYS[1])", Long.class);

    @Autowired
    StringRedisTemplate redis;

    @Autowired
    SessionProperties properties;

    @Test
    void aBoundSessionWithBudgetsFitsInUnderOneKibibyte() {
        Map<?, ?> created = createSession(tenant, Map.of("workflow", "code-review", "region", "eu-west",
                "budgets", Map.of("max_context_tokens", 128000, "max_growth_tokens_per_turn", 16000,
                        "max_total_tokens", 5000000, "max_cost_usd", 25)));
        String id = (String) created.get("id");
        String cell = "cell-" + tenant;
        put(tenant, "/internal/sessions/" + id + "/binding", Map.of("cell_id", cell, "model", "kimi-k2.5",
                "reason", "new")).expectStatus().isOk();
        String tokenKey = onlyKey("wp:t:*", id);

        Map<String, Long> explicit = new LinkedHashMap<>();
        explicit.put("session hash", usage(RedisKeys.session(id)));
        explicit.put("token key", usage(tokenKey));
        explicit.put("cell index (a sorted set holding this one session)", usage(RedisKeys.cellIndex(cell)));
        long explicitTotal = report("explicit session, budgets, binding", explicit);

        String implicitId = (String) resolve(tenant, "implicit-footprint").get("session_id");
        put(tenant, "/internal/sessions/" + implicitId + "/binding", Map.of("cell_id", cell, "model", "kimi-k2.5",
                "reason", "new")).expectStatus().isOk();
        Map<String, Long> implicit = new LinkedHashMap<>();
        implicit.put("session hash", usage(RedisKeys.session(implicitId)));
        implicit.put("implicit key", usage(onlyKey("wp:i:*", implicitId)));
        long implicitTotal = report("implicit session, binding (cell set shared above)", implicit);

        for (int turn = 1; turn <= 20; turn++) {
            Map<?, ?> reservation = post(tenant, "/internal/sessions/" + id + "/reservations",
                    Map.of("model", "kimi-k2.5", "prompt_tokens", 1000 * turn, "max_tokens", 1000))
                    .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
            post(tenant, "/internal/reservations/" + reservation.get("reservation_id") + "/settle",
                    Map.of("prompt_tokens", 1000 * turn, "cached_tokens", 900 * turn, "completion_tokens", 300,
                            "ttft_ms", 100 + turn, "model", "kimi-k2.5")).expectStatus().isOk();
        }
        Map<String, Long> afterTurns = new LinkedHashMap<>();
        afterTurns.put("session hash", usage(RedisKeys.session(id)));
        afterTurns.put("token key", usage(tokenKey));
        afterTurns.put("TTFT samples (20)", usage(RedisKeys.ttftSamples(id)));
        report("explicit session after 20 settled turns", afterTurns);
        Map<String, Long> open = new LinkedHashMap<>();
        Map<?, ?> held = post(tenant, "/internal/sessions/" + id + "/reservations", Map.of("model", "kimi-k2.5",
                "prompt_tokens", 21000, "max_tokens", 1000)).expectStatus().isCreated().expectBody(Map.class)
                .returnResult().getResponseBody();
        open.put("reservation record", usage(RedisKeys.reservation(id, (String) held.get("reservation_id"))));
        open.put("open-reservation index", usage(RedisKeys.holds(id)));
        report("one open reservation (transient)", open);

        long perMember = cellIndexBytesPerSession();
        System.out.println("Redis memory, cell index per session (100 sessions on one cell): " + perMember
                + " bytes");
        for (int cap : new int[] {properties.ttftSamples(), 512}) {
            System.out.println("Redis memory, TTFT samples when full at " + cap + ": " + fullTtftSamples(cap)
                    + " bytes");
        }

        assertThat(explicitTotal).isLessThan(ONE_KIB);
        assertThat(usage(RedisKeys.session(id)) + usage(tokenKey) + perMember).isLessThan(ONE_KIB);
        assertThat(implicitTotal).isLessThan(ONE_KIB);
    }

    /** The set's size divided by its members, with enough members to leave the small-set encoding behind. */
    private long cellIndexBytesPerSession() {
        String cell = "crowded-" + tenant;
        int sessions = 100;
        for (int i = 0; i < sessions; i++) {
            String sessionId = (String) resolve(tenant, "crowd-" + i).get("session_id");
            put(tenant, "/internal/sessions/" + sessionId + "/binding", Map.of("cell_id", cell, "model",
                    "kimi-k2.5", "reason", "new")).expectStatus().isOk();
        }
        return usage(RedisKeys.cellIndex(cell)) / sessions;
    }

    /** A list like a session's TTFT samples when full: values of two to four digits. */
    private long fullTtftSamples(int samples) {
        String key = RedisKeys.ttftSamples("scratch-" + tenant);
        for (int i = 0; i < samples; i++) {
            redis.opsForList().leftPush(key, Integer.toString(40 + (i * 37) % 1900));
        }
        long bytes = usage(key);
        redis.delete(key);
        return bytes;
    }

    private long usage(String key) {
        Long bytes = redis.execute(MEMORY_USAGE, List.of(key));
        assertThat(bytes).as("MEMORY USAGE of %s", key).isNotNull().isPositive();
        return bytes;
    }

    /** The one key matching the pattern whose value is this session id. */
    private String onlyKey(String pattern, String sessionId) {
        Set<String> keys = redis.keys(pattern);
        List<String> matching = keys.stream().filter(key -> sessionId.equals(redis.opsForValue().get(key)))
                .toList();
        assertThat(matching).hasSize(1);
        return matching.getFirst();
    }

    private static long report(String title, Map<String, Long> parts) {
        long total = parts.values().stream().mapToLong(Long::longValue).sum();
        StringBuilder out = new StringBuilder("Redis memory, ").append(title).append(": ").append(total)
                .append(" bytes");
        parts.forEach((part, bytes) -> out.append("\n  ").append(part).append(": ").append(bytes));
        System.out.println(out);
        return total;
    }
}
