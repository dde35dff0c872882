package io.warmpath.session.tools;

import java.util.List;

/**
 * A session's tool set and what it saved, as its usage reports them ({@code tool_trimming}).
 *
 * @param decided      whether the tool set is decided (by the session's first turn with tools since its last
 *                     checkpoint)
 * @param trimmedTools the tools left out of its turns
 * @param tokensSaved  about how many prompt tokens those tools would have taken, over all its turns
 */
public record ToolSetReport(boolean decided, List<String> trimmedTools, long tokensSaved) {
}
