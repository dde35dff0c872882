package io.warmpath.inference.session;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Body of {@code POST /internal/sessions/{id}/reservations}: what one request may cost at most.
 *
 * @param requestId    this cell's id for the request, unique per engine call; releases a reserve whose answer was lost
 * @param model        the model the request runs on (session-service prices it)
 * @param promptTokens the prompt's exact token count, as the engine's tokenizer reports it
 * @param maxTokens    the most completion tokens the request may produce
 */
public record ReservationRequest(
        @JsonProperty("request_id") String requestId,
        @JsonProperty("model") String model,
        @JsonProperty("prompt_tokens") long promptTokens,
        @JsonProperty("max_tokens") long maxTokens) {
}
