package io.warmpath.contracts.sessions;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * Where a session's cache lives: the cell its turns go to.
 *
 * @param cellId           the bound cell
 * @param model            the model the cell serves for this session
 * @param boundAt          when the binding was last set
 * @param epoch            bumped on every bind; writers compare and set on it
 * @param lastPromptTokens prompt tokens of the last settled turn (what the cell is expected to hold); null before one
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Binding(String cellId, @Nullable String model, @Nullable Instant boundAt, long epoch,
        @Nullable Long lastPromptTokens) {

    /** {@link #lastPromptTokens()}, 0 before the first settled turn. */
    public long promptTokensHeld() {
        return lastPromptTokens == null ? 0 : Math.max(0, lastPromptTokens);
    }
}
