package io.warmpath.contracts.sessions;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * Where a session's turn stopped repeating what its previous turn sent, inside what that turn sent: the engine's
 * cached prefix ends there, and everything after it is prefilled again.
 *
 * @param section       {@code system} (the leading system and developer messages), {@code tools} or {@code history}
 * @param tokenPosition about how many prompt tokens precede the break (a quarter of the bytes before it)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record PrefixBreak(@NotNull @Pattern(regexp = "system|tools|history") @Nullable String section,
        @PositiveOrZero long tokenPosition) {

    /** The sections of a chat prompt, in the order the engine reads them. */
    public static final String SYSTEM = "system";
    public static final String TOOLS = "tools";
    public static final String HISTORY = "history";

    /** As the {@code x-warmpath-prefix-break} response header says it: {@code system@312}. */
    public String headerValue() {
        return section + "@" + tokenPosition;
    }
}
