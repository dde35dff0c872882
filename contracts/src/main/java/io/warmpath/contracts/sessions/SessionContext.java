package io.warmpath.contracts.sessions;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * Answer to {@code GET /internal/sessions/{id}/context}: what a cell needs to keep a session's prompt within its
 * context.
 *
 * @param contextPolicy    {@value #REFUSE} (a turn over {@code max_context_tokens} is refused) or
 *                         {@value #CHECKPOINT} (the oldest turns are summarized before that)
 * @param maxContextTokens the session's context limit; {@code null} when it has none
 * @param checkpoint       its latest checkpoint, if it has one
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SessionContext(String contextPolicy, @Nullable Integer maxContextTokens,
        @Nullable Checkpoint checkpoint) {

    public static final String REFUSE = "refuse";
    public static final String CHECKPOINT = "checkpoint";

    /** Whether the session's oldest turns are summarized as it nears its context limit. */
    public boolean checkpoints() {
        return CHECKPOINT.equals(contextPolicy) && maxContextTokens != null;
    }
}
