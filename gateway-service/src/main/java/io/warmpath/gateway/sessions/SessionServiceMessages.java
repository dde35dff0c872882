package io.warmpath.gateway.sessions;

import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** The JSON of session-service's internal API (snake_case), as the gateway sends and reads it. */
final class SessionServiceMessages {

    private SessionServiceMessages() {
    }

    record ResolveRequest(String affinity, @Nullable String workflow) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ResolveResponse(String sessionId, @Nullable String workflow, boolean implicit,
            @Nullable BindingResponse binding, @Nullable String dataClass, @Nullable String region,
            @Nullable Map<String, Object> budgets) {

        ResolvedSession toSession() {
            return new ResolvedSession(sessionId, workflow, implicit, binding == null ? null : binding.toBinding(),
                    dataClass, region, limited());
        }

        /** Any limit set, or no budgets in the answer at all: the cell then reserves, as it must when unsure. */
        private boolean limited() {
            return budgets == null || budgets.values().stream().anyMatch(Objects::nonNull);
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record BindingResponse(String cellId, @Nullable String model, long epoch, @Nullable Long lastPromptTokens) {

        StoredBinding toBinding() {
            return new StoredBinding(cellId, model, epoch, lastPromptTokens == null ? 0 : lastPromptTokens);
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record BindingUpdate(String cellId, String model, long expectedEpoch, String reason) {
    }
}
