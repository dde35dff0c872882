package io.warmpath.session.keys;

import java.time.Instant;
import java.util.List;

import io.warmpath.contracts.sessions.RateLimits;
import org.jspecify.annotations.Nullable;

/**
 * An API key as stored (JSON at {@code wp:key:<sha256>}) and listed: everything but the key itself.
 *
 * @param id        {@code key_...}
 * @param tenant    its tenant
 * @param name      what it is for
 * @param prefix    the key's first characters, to recognise it
 * @param scopes    its scopes
 * @param roles     its roles
 * @param region    its home region claim
 * @param clearance its clearance
 * @param createdAt when it was created
 * @param expiresAt when it stops working; {@code null}: when revoked
 * @param createdBy the subject that created it
 * @param limits    its own rate limits (none stored: the gateway's defaults for keys)
 */
record StoredKey(String id, String tenant, String name, String prefix, List<String> scopes, List<String> roles,
        @Nullable String region, @Nullable String clearance, Instant createdAt, @Nullable Instant expiresAt,
        @Nullable String createdBy, RateLimits limits) {

    StoredKey {
        scopes = List.copyOf(scopes);
        roles = roles == null ? List.of() : List.copyOf(roles);
        limits = limits == null ? RateLimits.NONE : limits;
    }

    /** This key's settings under the identity a new key gets. */
    StoredKey identified(String newId, String newPrefix) {
        return new StoredKey(newId, tenant, name, newPrefix, scopes, roles, region, clearance, createdAt, expiresAt,
                createdBy, limits);
    }
}
