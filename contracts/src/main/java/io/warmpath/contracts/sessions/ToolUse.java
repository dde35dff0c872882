package io.warmpath.contracts.sessions;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * What one turn did with tools, as its cell saw it: whether the request offered any, which the model's answer
 * called, and how many prompt tokens the session's tool trimming kept out of the prompt. It feeds the workflow's
 * record of which tools it calls (from which the next sessions' tool sets are trimmed) and the session's count of
 * tokens saved.
 *
 * @param offered       the request offered the model at least one tool (a turn without tools ages no tool)
 * @param called        the names of the tools the answer called, each once; names of another shape are left out
 * @param trimmedTools  how many tools trimming left out of this turn's prompt
 * @param trimmedTokens about how many prompt tokens those tools would have taken (a quarter of their bytes)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ToolUse(@JsonSetter(nulls = Nulls.AS_EMPTY) boolean offered,
        @JsonSetter(nulls = Nulls.AS_EMPTY)
        @Size(max = WireFormats.MAX_TOOLS) List<@Pattern(regexp = WireFormats.TOOL_NAME) String> called,
        @JsonSetter(nulls = Nulls.AS_EMPTY) @PositiveOrZero @Max(WireFormats.MAX_TOOLS) int trimmedTools,
        @JsonSetter(nulls = Nulls.AS_EMPTY) @PositiveOrZero @Max(WireFormats.MAX_TOKENS_PER_REQUEST)
        long trimmedTokens) {

    public ToolUse {
        called = called == null ? List.of() : List.copyOf(called);
    }

    /** Whether there is anything to record. */
    public boolean isEmpty() {
        return !offered && called.isEmpty() && trimmedTokens == 0;
    }
}
