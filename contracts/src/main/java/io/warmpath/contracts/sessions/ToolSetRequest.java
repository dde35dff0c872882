package io.warmpath.contracts.sessions;

import java.util.List;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

/**
 * Body of {@code POST /internal/sessions/{id}/tool-set}: the tools a turn of the session offers, by name. The first
 * such call of a session (since its last checkpoint) decides which of them are trimmed; every later one gets that
 * decision.
 *
 * @param offered the names of the request's function tools, in its order
 */
public record ToolSetRequest(
        @NotNull @Size(min = 1, max = WireFormats.MAX_TOOLS)
        @Nullable List<@NotNull @Pattern(regexp = WireFormats.TOOL_NAME) String> offered) {
}
