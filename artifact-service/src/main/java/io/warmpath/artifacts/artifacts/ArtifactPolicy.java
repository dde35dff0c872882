package io.warmpath.artifacts.artifacts;

import java.time.Duration;
import java.util.Map;

import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import io.warmpath.contracts.DataClass;
import io.warmpath.contracts.assertion.Assertion;
import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ApiErrorException;
import io.warmpath.contracts.errors.ErrorCode;
import io.warmpath.contracts.policy.DecisionRequest;
import io.warmpath.contracts.policy.Principal;
import io.warmpath.contracts.policy.Resource;
import io.warmpath.policy.client.Decision;
import io.warmpath.policy.client.PolicyClient;
import io.warmpath.policy.client.PolicyClientSettings;
import io.warmpath.policy.client.RecentCredentials;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * Asks policy-service before every write ({@code store_artifact}) and every read ({@code read_artifact}): may this
 * caller keep or read data of this class in this region? Fails closed: a deny is a 403, no decision (policy-service
 * down or slow) a 503. A deny by a policy whose id names a region ({@code regulated-outside-tenant-regions}, say) is
 * {@code region_not_allowed}; any other is {@code data_class_not_allowed}.
 */
@Component
class ArtifactPolicy {

    private static final Duration KEEP_CREDENTIALS = Duration.ofMinutes(5);
    /** The resource id a decision names: the store of a region ({@code store:eu}), not an artifact. */
    static final String STORE_PREFIX = "store:";

    private final RecentCredentials credentials = new RecentCredentials(KEEP_CREDENTIALS, Ticker.systemTicker());
    private final PolicyClient policies;
    private final Duration retryAfter;

    ArtifactPolicy(ArtifactProperties properties, MeterRegistry meters) {
        this.policies = PolicyClient.create(new PolicyClientSettings(properties.policyUrl(),
                properties.policyDeadline(), PolicyClientSettings.DEFAULT_ALLOW_TTL,
                PolicyClientSettings.DEFAULT_CACHE_SIZE), meters, credentials);
        this.retryAfter = properties.retryAfter();
    }

    /**
     * Returns when {@code caller} may perform {@code action} on data of {@code dataClass} kept in {@code region};
     * otherwise throws the refusal.
     *
     * @param policyAssertion the request's assertion for policy-service, when the gateway sent one
     */
    void check(Assertion caller, @Nullable String policyAssertion, String action, String region, DataClass dataClass) {
        Principal principal = Principal.of(caller);
        if (policyAssertion != null) {
            credentials.remember(principal, policyAssertion);
        }
        // The question is about the data's class and region, not the one artifact: the same for every artifact of a
        // kind, so an allow is kept (a few seconds) across them rather than asked again per upload and per read.
        // A request pinned to a region (its session's) carries it: the policies refuse another region for it.
        DecisionRequest question = new DecisionRequest(principal, action,
                new Resource("Artifact", STORE_PREFIX + region, region, dataClass.wireName()),
                caller.dataRegion() == null ? Map.of() : Map.of("data_region", caller.dataRegion()));
        Decision decision = policies.decide(question).block();
        if (decision == null) {
            throw unavailable();
        }
        switch (decision.outcome()) {
            case ALLOW -> {
            }
            case DENIED -> throw new ApiErrorException(ApiError.of(decision.refusal(), "Policy denies " + action + " of " + dataClass.wireName() + " data in region " + region + ": "
                            + decision.reason()));
            case REJECTED -> throw new ApiErrorException(ApiError.of(ErrorCode.INVALID_TOKEN_CLAIMS,
                    "policy-service refused the caller's claims: " + decision.reason()));
            default -> throw unavailable();
        }
    }

    private ApiErrorException unavailable() {
        return new ApiErrorException(ApiError.retryable(ErrorCode.POLICY_UNAVAILABLE,
                "No policy decision could be had; the request is refused until there is one.", retryAfter));
    }
}
