package io.warmpath.contracts.sessions;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * A session's summarization checkpoint: a summary that stands for the oldest messages of its history. A turn whose
 * history starts with exactly those messages (their chained hash is {@code coveredHash}) reaches the engine with the
 * summary in their place; any other turn goes as sent.
 *
 * @param coveredMessages  how many history messages (after the leading system and developer messages) it covers
 * @param coveredHash      the hex SHA-256 chain of those messages' canonical JSON (no text is kept but the summary)
 * @param summary          the summary the engine gets instead
 * @param summaryTokens    about how many tokens the summary takes
 * @param summaryUsage     the tokens the summarization call took (prompt and completion), as its model reported them
 * @param artifactId       the artifact that keeps it at artifact-service ({@code kind=checkpoint}), when it was stored
 *                         there
 * @param previousCovered  for a new checkpoint, the covered messages of the one it replaces (0 for none): a
 *                         checkpoint made from an older one than the session now has is not stored
 * @param createdAt        when it was made; set by session-service
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Checkpoint(
        @Positive int coveredMessages,
        @NotNull @Pattern(regexp = "[0-9a-f]{64}") @Nullable String coveredHash,
        @NotNull @Size(min = 1, max = MAX_SUMMARY_CHARS) @Nullable String summary,
        @PositiveOrZero long summaryTokens,
        @Valid @Nullable SummaryUsage summaryUsage,
        @Size(max = 128) @Nullable String artifactId,
        @PositiveOrZero int previousCovered,
        @Nullable Instant createdAt) {

    /** The longest summary kept (about 8,000 tokens). */
    public static final int MAX_SUMMARY_CHARS = 32_768;

    /**
     * What a summarization call took.
     *
     * @param promptTokens     tokens of what was summarized (and the instructions)
     * @param completionTokens tokens of the summary
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record SummaryUsage(@PositiveOrZero @Max(WireFormats.MAX_TOKENS_PER_REQUEST) long promptTokens,
            @PositiveOrZero @Max(WireFormats.MAX_TOKENS_PER_REQUEST) long completionTokens) {
    }
}
