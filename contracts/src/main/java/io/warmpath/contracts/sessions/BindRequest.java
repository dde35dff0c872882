package io.warmpath.contracts.sessions;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * Body of {@code PUT /internal/sessions/{id}/binding}.
 *
 * @param cellId        the cell to bind to
 * @param model         the model the cell serves for this session
 * @param expectedEpoch the epoch the caller last saw; null binds unconditionally
 * @param reason        one of {@link BindingReason}'s tags; {@code new} when absent
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record BindRequest(
        @NotNull @Pattern(regexp = WireFormats.CELL_ID) @Nullable String cellId,
        @NotNull @Pattern(regexp = WireFormats.MODEL) @Nullable String model,
        @PositiveOrZero @Nullable Long expectedEpoch,
        @Pattern(regexp = BindingReason.PATTERN) @Nullable String reason) {

    /** The reason, {@link BindingReason#NEW} when absent; call on a validated request. */
    public BindingReason bindingReason() {
        return reason == null ? BindingReason.NEW : BindingReason.parse(reason).orElseThrow();
    }
}
