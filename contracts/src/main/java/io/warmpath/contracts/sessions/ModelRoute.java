package io.warmpath.contracts.sessions;

import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The gateway's cache-aware routing decision for a turn that named a routing alias: the model chosen, the other one,
 * and the turn's expected price on each. It travels to the cell in {@code x-warmpath-model-route} (as
 * {@link #headerValue()} says it, which the client sees too) and to session-service with the turn's usage.
 *
 * @param model          the model chosen
 * @param alternative    the alias's other model
 * @param expectedUsd    the turn's expected price on the chosen model
 * @param alternativeUsd its expected price on the other
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ModelRoute(@NotNull @Pattern(regexp = WireFormats.MODEL) @Nullable String model,
        @NotNull @Pattern(regexp = WireFormats.MODEL) @Nullable String alternative,
        @PositiveOrZero double expectedUsd, @PositiveOrZero double alternativeUsd) {

    private static final java.util.regex.Pattern HEADER = java.util.regex.Pattern.compile(
            "\\s*([^;\\s]+)\\s*;\\s*alternative=([^;\\s]+)\\s*;\\s*expected-usd=([0-9.]+)\\s*;\\s*"
                    + "alternative-usd=([0-9.]+)\\s*");

    /** What choosing {@link #model} is expected to save against {@link #alternative}; 0 when it saves nothing. */
    public double savingUsd() {
        return Math.max(0, alternativeUsd - expectedUsd);
    }

    /** {@code llama-3.1-8b-instruct; alternative=kimi-k2.5; expected-usd=0.00057062; alternative-usd=0.00122400}. */
    public String headerValue() {
        return String.format(Locale.ROOT, "%s; alternative=%s; expected-usd=%.8f; alternative-usd=%.8f", model,
                alternative, expectedUsd, alternativeUsd);
    }

    /** The decision a header value says; empty for a missing or malformed one. */
    public static Optional<ModelRoute> parse(@Nullable String headerValue) {
        if (headerValue == null) {
            return Optional.empty();
        }
        java.util.regex.Matcher matcher = HEADER.matcher(headerValue);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ModelRoute(matcher.group(1), matcher.group(2),
                    Double.parseDouble(matcher.group(3)), Double.parseDouble(matcher.group(4))));
        } catch (NumberFormatException malformed) {
            return Optional.empty();
        }
    }
}
