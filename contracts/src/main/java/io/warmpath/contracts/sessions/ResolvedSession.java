package io.warmpath.contracts.sessions;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import io.warmpath.contracts.DataClass;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * Answer to {@code POST /internal/resolve}: the session an affinity value names.
 *
 * @param sessionId the session id ({@code ses_...})
 * @param tenant    its tenant (the caller's)
 * @param workflow  its workflow, when it has one
 * @param implicit  opened from a plain affinity value rather than created with a token
 * @param dataClass the class of its data; a missing or unknown value reads as the strictest
 * @param region    the region its data must stay in; {@code null} when it is not pinned
 * @param limited   whether it has a context limit or a budget, so that its cell must reserve before each turn
 * @param binding   the cell it is bound to; {@code null} until its first turn is routed
 * @param recordTranscript whether its cell stores each turn's request and answer as a transcript artifact; an answer
 *                  without it (from a session-service older than the field) records nothing
 * @param trimmedTools the tools its tool set trims from its turns until its next checkpoint; empty before its first
 *                  turn with tools, and from a session-service older than the field
 * @param contextPolicy {@code refuse} or {@code checkpoint}; {@code refuse} from a session-service older than the field
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ResolvedSession(String sessionId, @Nullable String tenant, @Nullable String workflow, boolean implicit,
        DataClass dataClass, @Nullable String region, boolean limited, @Nullable Binding binding,
        @JsonSetter(nulls = Nulls.AS_EMPTY) boolean recordTranscript,
        @JsonSetter(nulls = Nulls.AS_EMPTY) List<String> trimmedTools,
        @Nullable String contextPolicy) {

    public ResolvedSession {
        dataClass = dataClass == null ? DataClass.STRICTEST : dataClass;
        trimmedTools = trimmedTools == null ? List.of() : List.copyOf(trimmedTools);
        contextPolicy = contextPolicy == null ? SessionContext.REFUSE : contextPolicy;
    }

    /** Whether its cells summarize its oldest turns as it nears its context limit. */
    public boolean checkpoints() {
        return SessionContext.CHECKPOINT.equals(contextPolicy);
    }

    /** The same session with another binding (after the gateway stored one). */
    public ResolvedSession withBinding(Binding newBinding) {
        return new ResolvedSession(sessionId, tenant, workflow, implicit, dataClass, region, limited, newBinding,
                recordTranscript, trimmedTools, contextPolicy);
    }
}
