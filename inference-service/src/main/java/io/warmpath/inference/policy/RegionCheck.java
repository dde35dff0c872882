package io.warmpath.inference.policy;

import java.time.Duration;
import java.util.Map;

import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import io.warmpath.contracts.assertion.Assertion;
import io.warmpath.contracts.policy.DecisionRequest;
import io.warmpath.contracts.policy.Principal;
import io.warmpath.contracts.policy.Resource;
import io.warmpath.inference.CellProperties;
import io.warmpath.policy.client.PolicyClient;
import io.warmpath.policy.client.PolicyClientSettings;
import io.warmpath.policy.client.RecentCredentials;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Re-checks, per completion, that this cell's region may process the request's data. Every fact comes from the
 * request's verified assertion: the caller (tenant, subject, roles, clearance, home region) and its data (class, and
 * the region it is pinned to). The question goes to policy-service with the assertion the gateway gave the request
 * for it; allows are kept a few seconds (see {@link PolicyClient}), refreshed with the caller's latest assertion.
 */
@Component
public class RegionCheck {

    /** Well inside an assertion's lifetime: a refresh never asks with an expired one. */
    private static final Duration KEEP_CREDENTIALS = Duration.ofMinutes(5);

    private final @Nullable PolicyClient policies;
    private final RecentCredentials credentials = new RecentCredentials(KEEP_CREDENTIALS, Ticker.systemTicker());
    private final String cellId;
    private final String region;

    RegionCheck(CellProperties cell, CellPolicyProperties policy, MeterRegistry meters) {
        this.policies = policy.policyEnabled()
                ? PolicyClient.create(new PolicyClientSettings(policy.policyUrl(), policy.policyDeadline(),
                        policy.policyAllowTtl(), PolicyClientSettings.DEFAULT_CACHE_SIZE), meters, credentials)
                : null;
        this.cellId = cell.id();
        this.region = cell.region();
    }

    /**
     * Completes empty when the cell may serve the request; otherwise fails with {@link RegionNotAllowedException}
     * (a deny), {@link InvalidClaimsException} (policy-service refused the caller's claims) or
     * {@link PolicyUnavailableException} (no decision to be had).
     *
     * @param caller          the request's assertion
     * @param policyAssertion its assertion for policy-service, when the gateway sent one
     */
    public Mono<Void> admit(Assertion caller, @Nullable String policyAssertion) {
        if (policies == null) {
            return Mono.empty();
        }
        Principal principal = Principal.of(caller);
        if (policyAssertion != null) {
            credentials.remember(principal, policyAssertion);
        }
        DecisionRequest question = new DecisionRequest(principal, "infer",
                Resource.cell(cellId, region, caller.dataClass()),
                caller.dataRegion() == null ? Map.of() : Map.of("data_region", caller.dataRegion()));
        return policies.decide(question).flatMap(decision -> switch (decision.outcome()) {
            case ALLOW -> Mono.empty();
            case DENIED -> Mono.error(new RegionNotAllowedException(decision.reason()));
            case REJECTED -> Mono.error(new InvalidClaimsException(decision.reason()));
            default -> Mono.error(new PolicyUnavailableException(decision.outcome().tag()));
        });
    }
}
