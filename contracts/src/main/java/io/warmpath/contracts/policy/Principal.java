package io.warmpath.contracts.policy;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.warmpath.contracts.assertion.Assertion;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The caller a decision is about, as its token describes it.
 *
 * @param id         the token's subject
 * @param tenant     the token's tenant
 * @param roles      the token's {@code roles}
 * @param homeRegion the token's {@code region}; {@code null} when it has none
 * @param clearance  the highest data class the caller may touch ({@code clearance}); {@code null}: policy-service's
 *                   default
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Principal(@Nullable String id, @Nullable String tenant, @Nullable List<@Nullable String> roles,
        @Nullable String homeRegion, @Nullable String clearance) {

    /** The id of a caller whose token has no subject. */
    public static final String ANONYMOUS = "anonymous";

    public Principal {
        roles = roles == null ? List.of() : List.copyOf(roles.stream().filter(role -> role != null).toList());
    }

    /** The caller an internal assertion describes. */
    public static Principal of(Assertion caller) {
        return new Principal(caller.subject() == null ? ANONYMOUS : caller.subject(), caller.tenant(), caller.roles(),
                caller.homeRegion(), caller.clearance());
    }
}
