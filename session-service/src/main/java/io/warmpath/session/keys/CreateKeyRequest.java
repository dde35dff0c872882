package io.warmpath.session.keys;

import java.util.List;

import io.warmpath.contracts.sessions.RateLimits;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.hibernate.validator.constraints.Range;
import org.jspecify.annotations.Nullable;

/**
 * Body of {@code POST /v1/keys}, checked with {@code @Valid} (a 400 naming the first field at fault). A key never
 * has more than its creator: its scopes and roles are a subset of the creator's, its clearance no higher.
 *
 * @param name          what the key is for, 1 to 64 printable characters
 * @param scopes        its scopes, 1 to 32, such as {@code inference:invoke}
 * @param roles         its roles, up to 16
 * @param region        its home region claim
 * @param clearance     public, internal, confidential or regulated
 * @param expiresInDays days until it stops working, 1 to 3650; none: it works until revoked
 * @param limits        its own rate limits, on top of its tenant's; none: the gateway's defaults for keys
 */
record CreateKeyRequest(
        @NotBlank(message = "is required") @Size(max = 64, message = "must have at most 64 characters")
        @Pattern(regexp = "\\P{Cc}*", message = "must not contain control characters") @Nullable String name,
        @NotEmpty(message = "is required: at least one scope") @Size(max = 32, message = "may have at most 32 scopes")
        @Nullable List<@NotNull(message = "must not hold null") @Pattern(regexp = SCOPE,
                message = "must be scope names ([A-Za-z0-9:._-], up to 64)") @Nullable String> scopes,
        @Size(max = 16, message = "may have at most 16 roles")
        @Nullable List<@NotNull(message = "must not hold null") @Pattern(regexp = SCOPE,
                message = "must be role names ([A-Za-z0-9:._-], up to 64)") @Nullable String> roles,
        @Pattern(regexp = "[A-Za-z0-9._-]{1,64}", message = "must match [A-Za-z0-9._-]\\{1,64\\}") @Nullable String region,
        @Pattern(regexp = "public|internal|confidential|regulated",
                message = "must be one of public, internal, confidential, regulated") @Nullable String clearance,
        @Range(min = 1, max = 3650, message = "must be between {min} and {max}") @Nullable Integer expiresInDays,
        @Valid @Nullable Limits limits) {

    static final String SCOPE = "[A-Za-z0-9:._-]{1,64}";

    /** A key's own limits; each absent one is the gateway's default for keys. */
    record Limits(
            @Range(min = 1, max = 1_000_000_000L, message = "must be between {min} and {max}") @Nullable Long requestsPerMinute,
            @Range(min = 1, max = 1_000_000_000_000L, message = "must be between {min} and {max}") @Nullable Long tokensPerMinute,
            @Range(min = 1, max = 1_000_000L, message = "must be between {min} and {max}") @Nullable Long concurrentRequests) {

        RateLimits toRateLimits() {
            return new RateLimits(requestsPerMinute, tokensPerMinute, concurrentRequests);
        }
    }
}
