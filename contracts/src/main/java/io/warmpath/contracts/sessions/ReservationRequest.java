package io.warmpath.contracts.sessions;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * Body of {@code POST /internal/sessions/{id}/reservations}: what one request may cost at most.
 *
 * @param requestId    the cell's id for the request; the same id on the same session gives back the same
 *                     reservation (safe retries), and releases a reserve whose answer was lost
 * @param model        the model the request runs on (session-service prices it)
 * @param promptTokens the prompt's exact token count, as the engine's tokenizer reports it
 * @param maxTokens    the most completion tokens the request may produce (all its choices together)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ReservationRequest(
        @Pattern(regexp = WireFormats.REQUEST_ID) @Nullable String requestId,
        @NotNull @Pattern(regexp = WireFormats.MODEL) @Nullable String model,
        @NotNull @PositiveOrZero @Max(WireFormats.MAX_TOKENS_PER_REQUEST) @Nullable Long promptTokens,
        @NotNull @PositiveOrZero @Max(WireFormats.MAX_TOKENS_PER_REQUEST) @Nullable Long maxTokens) {

    /** {@link #promptTokens()} of a validated request. */
    public long prompt() {
        return promptTokens == null ? 0 : promptTokens;
    }

    /** {@link #maxTokens()} of a validated request. */
    public long completionLimit() {
        return maxTokens == null ? 0 : maxTokens;
    }
}
