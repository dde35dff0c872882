package io.warmpath.policy.decisions;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The JSON of {@code POST /v1/decisions} (snake_case, as configured for the whole service). Everything a client
 * sends is nullable here; {@link Questions} checks it and says which field is wrong.
 */
final class DecisionMessages {

    private DecisionMessages() {
    }

    record Batch(@Nullable List<RequestInput> requests) {
    }

    record RequestInput(@Nullable PrincipalInput principal, @Nullable String action, @Nullable ResourceInput resource,
            @Nullable Map<String, @Nullable Object> context) {
    }

    record PrincipalInput(@Nullable String id, @Nullable String tenant, @Nullable List<@Nullable String> roles,
            @Nullable String homeRegion, @Nullable String clearance) {
    }

    record ResourceInput(@Nullable String type, @Nullable String id, @Nullable String region,
            @Nullable String dataClass) {
    }

    record Answers(List<Answer> decisions) {
    }

    /**
     * @param decision {@code allow} or {@code deny}
     * @param policies the ids of the policies that decided; empty for a default deny
     * @param reason   why, in a sentence
     */
    record Answer(String decision, List<String> policies, String reason) {
    }
}
