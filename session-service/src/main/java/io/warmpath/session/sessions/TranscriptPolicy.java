package io.warmpath.session.sessions;

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
 * Asks policy-service whether a new session may record its transcript ({@code record_transcript} on the session, for
 * its data class and region), with the assertion the gateway sent for it. Fails closed: a deny is a 403
 * {@code data_class_not_allowed} (or {@code region_not_allowed} when the deciding policy is about regions), no
 * decision (policy-service down, or none configured) a 503 {@code policy_unavailable}; the session is then not
 * created. Sessions that record nothing never ask.
 */
@Component
class TranscriptPolicy {

    static final String ACTION = "record_transcript";
    private static final Duration KEEP_CREDENTIALS = Duration.ofMinutes(5);

    private final RecentCredentials credentials = new RecentCredentials(KEEP_CREDENTIALS, Ticker.systemTicker());
    private final @Nullable PolicyClient policies;

    TranscriptPolicy(PolicyServiceProperties settings, MeterRegistry meters) {
        this.policies = settings.url() == null ? null
                : PolicyClient.create(new PolicyClientSettings(settings.url(), settings.deadline(),
                        PolicyClientSettings.DEFAULT_ALLOW_TTL, PolicyClientSettings.DEFAULT_CACHE_SIZE), meters,
                        credentials);
    }

    /** Returns when the caller may create a recording session of this class and region; otherwise throws. */
    void check(Assertion caller, @Nullable String policyAssertion, DataClass dataClass, @Nullable String region) {
        if (policies == null) {
            throw unavailable("this deployment has no policy-service to decide it");
        }
        Principal principal = Principal.of(caller);
        if (policyAssertion != null) {
            credentials.remember(principal, policyAssertion);
        }
        DecisionRequest question = new DecisionRequest(principal, ACTION,
                new Resource("Session", "new", region, dataClass.wireName()),
                region == null ? Map.of() : Map.of("data_region", region));
        Decision decision = policies.decide(question).block();
        if (decision == null) {
            throw unavailable("no decision could be had");
        }
        switch (decision.outcome()) {
            case ALLOW -> {
            }
            case DENIED -> throw new ApiErrorException(new ApiError(decision.refusal(), "Policy denies recording the transcript of a session of " + dataClass.wireName() + " data: "
                            + decision.reason(), "record_transcript", null));
            case REJECTED -> throw new ApiErrorException(ApiError.of(ErrorCode.INVALID_TOKEN_CLAIMS,
                    "policy-service refused the caller's claims: " + decision.reason()));
            default -> throw unavailable("no decision could be had (" + decision.outcome().tag() + ")");
        }
    }

    private static ApiErrorException unavailable(String why) {
        return new ApiErrorException(ApiError.retryable(ErrorCode.POLICY_UNAVAILABLE,
                "Whether this session may record its transcript cannot be decided: " + why + ".",
                Duration.ofSeconds(1)));
    }
}
