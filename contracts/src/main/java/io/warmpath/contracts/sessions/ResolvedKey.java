package io.warmpath.contracts.sessions;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * Answer to {@code POST /internal/keys/resolve}: who a live API key acts for, as a JWT would say it.
 *
 * @param keyId     the key's id ({@code key_...}), the caller's subject as {@code key:<id>}
 * @param tenant    its tenant
 * @param scopes    its scopes
 * @param roles     its roles
 * @param region    its home region claim, when it has one
 * @param clearance its clearance, when it has one
 * @param expiresAt when it stops working; {@code null}: it does not expire
 * @param limits    its own rate limits; a missing field (an older session-service) reads as none
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ResolvedKey(String keyId, String tenant, List<String> scopes, List<String> roles,
        @Nullable String region, @Nullable String clearance, @Nullable Instant expiresAt, RateLimits limits) {

    public ResolvedKey {
        limits = limits == null ? RateLimits.NONE : limits;
        scopes = scopes == null ? List.of() : List.copyOf(scopes);
        roles = roles == null ? List.of() : List.copyOf(roles);
    }
}
