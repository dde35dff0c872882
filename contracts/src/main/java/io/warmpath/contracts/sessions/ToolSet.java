package io.warmpath.contracts.sessions;

import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * Answer to {@code POST /internal/sessions/{id}/tool-set}: the tools trimmed from every turn of the session until its
 * next checkpoint. A tool not named here is sent as the client sent it, including one the session first offers
 * after the decision.
 *
 * @param trimmed the names of the trimmed tools; empty when nothing is trimmed (trimming off for the tenant, a session
 *                without a workflow, a workflow not yet observed for a whole window, or every tool in use)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ToolSet(@JsonSetter(nulls = Nulls.AS_EMPTY) List<String> trimmed) {

    /** Nothing trimmed. */
    public static final ToolSet UNTRIMMED = new ToolSet(List.of());

    public ToolSet {
        trimmed = trimmed == null ? List.of() : List.copyOf(trimmed);
    }

    /** The trimmed names, for lookups. */
    public Set<String> trimmedNames() {
        return Set.copyOf(trimmed);
    }
}
