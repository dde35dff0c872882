package io.warmpath.contracts.sessions;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * One turn of {@code POST /internal/turns}: a served turn of a session without limits, which reserved nothing. The
 * fields of a {@link Settlement}, plus the session and the request id that makes recording it idempotent.
 *
 * @param sessionId        the session
 * @param requestId        the cell's id for the request; the same id on the same session is recorded once
 * @param promptTokens     as in {@link Settlement}
 * @param cachedTokens     as in {@link Settlement}
 * @param completionTokens as in {@link Settlement}
 * @param ttftMs           as in {@link Settlement}
 * @param cellId           as in {@link Settlement}
 * @param model            prices the turn; required, as there is no reservation to take it from
 * @param prefixBreak      where the turn broke its session's cached prefix, when it did (the cell's diagnosis)
 * @param toolUse          as in {@link Settlement}
 * @param checkpointUse    as in {@link Settlement}
 * @param modelRoute       as in {@link Settlement}
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record RecordedTurn(
        @NotNull @Nullable String sessionId,
        @NotNull @Pattern(regexp = WireFormats.REQUEST_ID) @Nullable String requestId,
        @Nullable Long promptTokens, @Nullable Long cachedTokens, @Nullable Long completionTokens,
        @Nullable Long ttftMs, @Nullable String cellId,
        @NotNull @Nullable String model,
        @Valid @Nullable PrefixBreak prefixBreak,
        @Valid @Nullable ToolUse toolUse,
        @Valid @Nullable CheckpointUse checkpointUse,
        @Valid @Nullable ModelRoute modelRoute) {

    public static RecordedTurn of(String sessionId, String requestId, Settlement usage) {
        return new RecordedTurn(sessionId, requestId, usage.promptTokens(), usage.cachedTokens(),
                usage.completionTokens(), usage.ttftMs(), usage.cellId(), usage.model(), usage.prefixBreak(),
                usage.toolUse(), usage.checkpointUse(), usage.modelRoute());
    }

    /** The usage part, to be validated as a settle is. */
    public Settlement usage() {
        return new Settlement(promptTokens, cachedTokens, completionTokens, ttftMs, cellId, model, prefixBreak,
                toolUse, checkpointUse, modelRoute);
    }
}
