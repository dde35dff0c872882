package io.warmpath.contracts.sessions;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * Body of {@code POST /internal/reservations/{id}/settle}: what the request actually used.
 *
 * @param promptTokens     prompt tokens the engine processed
 * @param cachedTokens     of those, served from the engine's prefix cache; 0 when absent
 * @param completionTokens tokens generated
 * @param ttftMs           time to first token as the cell saw it (for a non-streamed answer, time to the answer)
 * @param cellId           the cell that served the request; informational
 * @param model            prices the turn; the reservation's model when absent
 * @param prefixBreak      where the turn broke its session's cached prefix, when it did (the cell's diagnosis)
 * @param toolUse          what the turn did with tools, when it offered or called any or had tools trimmed
 * @param checkpointUse    what the turn did with its session's checkpoint, when the session checkpoints
 * @param modelRoute       the gateway's routing decision, when the turn named a routing alias
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Settlement(
        @NotNull @PositiveOrZero @Max(WireFormats.MAX_TOKENS_PER_REQUEST) @Nullable Long promptTokens,
        @PositiveOrZero @Max(WireFormats.MAX_TOKENS_PER_REQUEST) @Nullable Long cachedTokens,
        @NotNull @PositiveOrZero @Max(WireFormats.MAX_TOKENS_PER_REQUEST) @Nullable Long completionTokens,
        @PositiveOrZero @Nullable Long ttftMs,
        @Pattern(regexp = WireFormats.CELL_ID) @Nullable String cellId,
        @Pattern(regexp = WireFormats.MODEL) @Nullable String model,
        @Valid @Nullable PrefixBreak prefixBreak,
        @Valid @Nullable ToolUse toolUse,
        @Valid @Nullable CheckpointUse checkpointUse,
        @Valid @Nullable ModelRoute modelRoute) {

    public static Settlement of(long promptTokens, long cachedTokens, long completionTokens, long ttftMs,
            String cellId, String model) {
        return new Settlement(promptTokens, cachedTokens, completionTokens, ttftMs, cellId, model, null, null, null, null);
    }

    /** This usage, with the turn's prefix break. */
    public Settlement withPrefixBreak(@Nullable PrefixBreak at) {
        return new Settlement(promptTokens, cachedTokens, completionTokens, ttftMs, cellId, model, at, toolUse,
                checkpointUse, modelRoute);
    }

    /** This usage, with what the turn did with tools ({@code null} or an empty use: nothing). */
    public Settlement withToolUse(@Nullable ToolUse use) {
        return new Settlement(promptTokens, cachedTokens, completionTokens, ttftMs, cellId, model, prefixBreak,
                use == null || use.isEmpty() ? null : use, checkpointUse, modelRoute);
    }

    /** This usage, with what the turn did with its session's checkpoint. */
    public Settlement withCheckpointUse(@Nullable CheckpointUse use) {
        return new Settlement(promptTokens, cachedTokens, completionTokens, ttftMs, cellId, model, prefixBreak,
                toolUse, use, modelRoute);
    }

    /** This usage, with the gateway's routing decision for the turn. */
    public Settlement withModelRoute(@Nullable ModelRoute route) {
        return new Settlement(promptTokens, cachedTokens, completionTokens, ttftMs, cellId, model, prefixBreak,
                toolUse, checkpointUse, route);
    }

    /** The tokens tool trimming kept out of this turn's prompt; 0 without any. */
    public long trimmedToolTokens() {
        return toolUse == null ? 0 : toolUse.trimmedTokens();
    }

    /** Bean validation: cached tokens are part of the prompt. */
    @AssertTrue(message = "must be between 0 and prompt_tokens")
    public boolean isCachedTokensWithinPrompt() {
        return cachedTokens == null || promptTokens == null || cachedTokens <= promptTokens;
    }

    /** {@link #cachedTokens()}, 0 when absent. */
    public long cached() {
        return cachedTokens == null ? 0 : cachedTokens;
    }
}
