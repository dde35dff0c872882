package io.warmpath.policy.client;

import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/**
 * The caller a decision is about, as its token describes it.
 *
 * @param id         the token's subject
 * @param tenant     the token's tenant
 * @param roles      the token's {@code roles}
 * @param homeRegion the token's {@code region}; {@code null} when it has none
 * @param clearance  the highest data class the caller may touch ({@code clearance}); {@code null}: policy-service's
 *                   default ({@code internal})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Principal(String id, String tenant, List<String> roles,
        @JsonProperty("home_region") @Nullable String homeRegion, @Nullable String clearance) {

    public Principal {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenant, "tenant");
        roles = roles == null ? List.of() : List.copyOf(roles);
    }
}
