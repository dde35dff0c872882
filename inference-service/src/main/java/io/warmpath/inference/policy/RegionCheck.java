package io.warmpath.inference.policy;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.warmpath.inference.CellProperties;
import io.warmpath.policy.client.DecisionRequest;
import io.warmpath.policy.client.PolicyClient;
import io.warmpath.policy.client.PolicyClientSettings;
import io.warmpath.policy.client.Principal;
import io.warmpath.policy.client.Resource;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Re-checks, per completion, that this cell's region may process the request's data. The facts come from the
 * gateway's trusted headers (which it strips from clients): {@code x-warmpath-tenant}, {@code -subject},
 * {@code -roles}, {@code -clearance}, {@code -home-region}, {@code -data-class} (absent: {@code internal}) and
 * {@code -data-region}. A request that reaches the cell without them (not through the gateway) is asked about as
 * an anonymous principal, which the default policies allow only public and internal data.
 */
@Component
public class RegionCheck {

    static final String TENANT = "x-warmpath-tenant";
    static final String SUBJECT = "x-warmpath-subject";
    static final String ROLES = "x-warmpath-roles";
    static final String CLEARANCE = "x-warmpath-clearance";
    static final String HOME_REGION = "x-warmpath-home-region";
    static final String DATA_CLASS = "x-warmpath-data-class";
    static final String DATA_REGION = "x-warmpath-data-region";
    private static final String ANONYMOUS = "anonymous";

    private final @Nullable PolicyClient policies;
    private final String cellId;
    private final String region;

    RegionCheck(CellProperties cell, CellPolicyProperties policy, MeterRegistry meters) {
        this.policies = policy.policyEnabled()
                ? PolicyClient.create(new PolicyClientSettings(policy.policyUrl(), policy.policyDeadline(),
                        policy.policyAllowTtl(), PolicyClientSettings.DEFAULT_CACHE_SIZE), meters)
                : null;
        this.cellId = cell.id();
        this.region = cell.region();
    }

    /**
     * Completes empty when the cell may serve the request; otherwise fails with {@link RegionNotAllowedException}
     * (a deny) or {@link PolicyUnavailableException} (no decision to be had).
     */
    public Mono<Void> admit(HttpHeaders headers) {
        if (policies == null) {
            return Mono.empty();
        }
        String dataRegion = headers.getFirst(DATA_REGION);
        DecisionRequest question = new DecisionRequest(principal(headers), "infer",
                Resource.cell(cellId, region, orDefault(headers.getFirst(DATA_CLASS), "internal")),
                dataRegion == null ? Map.of() : Map.of("data_region", dataRegion));
        return policies.decide(question).flatMap(decision -> switch (decision.outcome()) {
            case ALLOW -> Mono.empty();
            case DENIED -> Mono.error(new RegionNotAllowedException(decision.reason()));
            default -> Mono.error(new PolicyUnavailableException(decision.outcome().tag()));
        });
    }

    private static Principal principal(HttpHeaders headers) {
        String roles = headers.getFirst(ROLES);
        List<String> roleList = roles == null ? List.of()
                : Arrays.stream(roles.split(",")).map(String::strip).filter(role -> !role.isEmpty()).toList();
        return new Principal(orDefault(headers.getFirst(SUBJECT), ANONYMOUS),
                orDefault(headers.getFirst(TENANT), ANONYMOUS), roleList, headers.getFirst(HOME_REGION),
                headers.getFirst(CLEARANCE));
    }

    private static String orDefault(@Nullable String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}
