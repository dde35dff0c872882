package io.warmpath.policy.client;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import org.jspecify.annotations.Nullable;

/** The JSON of {@code POST /v1/decisions}. */
final class DecisionMessages {

    private DecisionMessages() {
    }

    record Batch(List<DecisionRequest> requests) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Answers(@Nullable List<Answer> decisions) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Answer(@Nullable String decision, @Nullable List<String> policies, @Nullable String reason) {
    }
}
