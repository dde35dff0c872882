package io.warmpath.artifacts.artifacts;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import io.warmpath.contracts.Ids;

/**
 * Where one tenant's objects live in a bucket. The tenant and every client-chosen value in a key (a session id, an
 * idempotency key) are hashed, so no request can steer a key outside its tenant's prefix or into another's:
 * <pre>
 * tenants/{sha256(tenant)}/objects/{id}                         the bytes
 * tenants/{sha256(tenant)}/metadata/{id}                        the metadata: written last, deleted first
 * tenants/{sha256(tenant)}/sessions/{sha256(session)}/{id}     an empty entry per artifact of a session
 * tenants/{sha256(tenant)}/idempotency/{sha256(key)}           the artifact an Idempotency-Key created
 * </pre>
 */
final class TenantKeys {

    static final String ROOT = "tenants/";

    private final String root;

    private TenantKeys(String root) {
        this.root = root;
    }

    static TenantKeys of(String tenant) {
        return new TenantKeys(ROOT + hash("tenant", tenant) + "/");
    }

    /** The keys under a tenant prefix as found in a listing ({@code tenants/<hash>/}), for the sweeper. */
    static TenantKeys ofPrefix(String prefix) {
        return new TenantKeys(prefix);
    }

    String content(String id) {
        return root + "objects/" + id;
    }

    String metadata(String id) {
        return root + "metadata/" + id;
    }

    String metadataPrefix() {
        return root + "metadata/";
    }

    String sessionEntry(String sessionId, String id) {
        return sessionPrefix(sessionId) + id;
    }

    String sessionPrefix(String sessionId) {
        return root + "sessions/" + hash("session", sessionId) + "/";
    }

    String idempotency(String idempotencyKey) {
        return root + "idempotency/" + hash("idempotency", idempotencyKey);
    }

    /** The artifact id at the end of a metadata or session-entry key. */
    static String idOf(String key) {
        return key.substring(key.lastIndexOf('/') + 1);
    }

    private static String hash(String kind, String value) {
        return HexFormat.of().formatHex(Ids.sha256().digest((kind + ":" + value).getBytes(StandardCharsets.UTF_8)),
                0, 16);
    }
}
