package io.warmpath.session.keys;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.warmpath.contracts.Ids;
import io.warmpath.contracts.sessions.ApiKeys;
import io.warmpath.session.redis.RedisKeys;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * API keys in Redis: {@code wp:key:<sha256 of the key>} holds a key's JSON (expiring with the key), and
 * {@code wp:keys:<tenant>} maps each of the tenant's key ids to that hash, for listing and revoking. A key is
 * created record first, then indexed; revoked record first, then unindexed: a crash in between leaves an index entry
 * that names nothing (listings skip it), never a live key that cannot be listed or revoked for long (one with an
 * expiry goes away on its own).
 */
@Component
class ApiKeyStore {

    /** Keys one tenant may have at once. */
    static final int MAX_KEYS_PER_TENANT = 100;

    private final StringRedisTemplate redis;
    private final JsonMapper json;
    private final Clock clock;

    ApiKeyStore(StringRedisTemplate redis, JsonMapper json, Clock clock) {
        this.redis = redis;
        this.json = json;
        this.clock = clock;
    }

    /** What {@link #create} made: the key, shown this once, and its record. */
    record Created(String key, StoredKey stored) {
    }

    /** Stores a new key of {@code template}'s tenant and settings; empty when the tenant has its maximum already. */
    Optional<Created> create(StoredKey template) {
        if (list(template.tenant()).size() >= MAX_KEYS_PER_TENANT) {
            return Optional.empty();
        }
        String key = ApiKeys.newKey();
        String hash = ApiKeys.hash(key);
        StoredKey stored = template.identified(Ids.random("key_"), ApiKeys.prefix(key));
        String value = json.writeValueAsString(stored);
        if (stored.expiresAt() != null) {
            redis.opsForValue().set(record(hash), value, Duration.between(clock.instant(), stored.expiresAt()));
        }
        else {
            redis.opsForValue().set(record(hash), value);
        }
        redis.opsForHash().put(index(stored.tenant()), stored.id(), hash);
        return Optional.of(new Created(key, stored));
    }

    /** The live key with this hash. */
    Optional<StoredKey> findByHash(String hash) {
        String value = redis.opsForValue().get(record(hash));
        if (value == null) {
            return Optional.empty();
        }
        StoredKey stored = json.readValue(value, StoredKey.class);
        Instant now = clock.instant();
        return stored.expiresAt() != null && !stored.expiresAt().isAfter(now) ? Optional.empty() : Optional.of(stored);
    }

    /** The tenant's live keys, newest first; index entries of keys that expired are dropped on the way. */
    List<StoredKey> list(String tenant) {
        Map<Object, Object> entries = redis.opsForHash().entries(index(tenant));
        List<StoredKey> keys = new ArrayList<>();
        entries.forEach((id, hash) -> findByHash((String) hash).ifPresentOrElse(keys::add,
                () -> redis.opsForHash().delete(index(tenant), id)));
        keys.sort(Comparator.comparing(StoredKey::createdAt).reversed().thenComparing(StoredKey::id));
        return keys;
    }

    /** Revokes a key of the tenant's; false when it has no such key. */
    boolean revoke(String tenant, String keyId) {
        Object hash = redis.opsForHash().get(index(tenant), keyId);
        if (hash == null) {
            return false;
        }
        redis.delete(record((String) hash));
        redis.opsForHash().delete(index(tenant), keyId);
        return true;
    }

    private static String record(String hash) {
        return RedisKeys.PREFIX + "key:" + hash;
    }

    private static String index(String tenant) {
        return RedisKeys.PREFIX + "keys:" + tenant;
    }
}
