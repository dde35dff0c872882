package io.warmpath.inference.session;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Body of {@code POST /internal/reservations/{rid}/settle}: what the request actually used.
 *
 * @param promptTokens     prompt tokens the engine processed
 * @param cachedTokens     of those, tokens served from the engine's prefix cache
 * @param completionTokens tokens generated
 * @param ttftMs           time to first token as the cell saw it (for a non-streamed answer: time to the answer)
 * @param cellId           the cell that served the request
 * @param model            the model the request ran on
 */
public record Settlement(
        @JsonProperty("prompt_tokens") long promptTokens,
        @JsonProperty("cached_tokens") long cachedTokens,
        @JsonProperty("completion_tokens") long completionTokens,
        @JsonProperty("ttft_ms") long ttftMs,
        @JsonProperty("cell_id") String cellId,
        @JsonProperty("model") String model) {
}
