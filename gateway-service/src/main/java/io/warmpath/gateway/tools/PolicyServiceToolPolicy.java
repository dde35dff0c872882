package io.warmpath.gateway.tools;

import java.util.Map;

import io.warmpath.contracts.DataClass;
import io.warmpath.contracts.policy.DecisionRequest;
import io.warmpath.contracts.policy.Resource;
import io.warmpath.gateway.security.Caller;
import io.warmpath.policy.client.Decision;
import io.warmpath.policy.client.PolicyClient;
import reactor.core.publisher.Mono;

/**
 * Asks policy-service: principal from the token, action {@code invoke_tool}, resource {@code Tool} with the tool's
 * name and the call's data class, and the tool's ceiling as context {@code tool_max_data_class}. The
 * {@link PolicyClient} fails closed (deny, error, timeout, service down) and caches allows briefly.
 */
final class PolicyServiceToolPolicy implements ToolPolicy {

    static final String ACTION = "invoke_tool";

    private final PolicyClient policies;

    PolicyServiceToolPolicy(PolicyClient policies) {
        this.policies = policies;
    }

    @Override
    public Mono<Verdict> decide(Caller caller, Tool tool, DataClass dataClass) {
        DecisionRequest request = new DecisionRequest(caller.principal(), ACTION, Resource.tool(tool.name(), dataClass),
                Map.of("tool_max_data_class", tool.maxDataClass().wireName()));
        return policies.decide(request)
                .map(PolicyServiceToolPolicy::toVerdict)
                // The client never errors by contract; if it ever does, that is a deny all the same.
                .onErrorResume(failure -> Mono.just(Verdict.deny("the policy check failed")))
                .defaultIfEmpty(Verdict.deny("the policy check gave no answer"));
    }

    private static Verdict toVerdict(Decision decision) {
        String reason = decision.reason().isBlank() ? decision.outcome().tag() : decision.reason();
        return decision.allowed() ? Verdict.allow(reason) : Verdict.deny(reason);
    }
}
