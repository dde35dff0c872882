package io.warmpath.routing;

import java.util.Objects;

/**
 * Where a session is bound: the cell that served its last turn and so holds its context in cache.
 *
 * @param cellId           the bound cell's id (ids survive pool rebuilds; indexes do not)
 * @param lastPromptTokens the prompt tokens of the session's last settled turn: what the bound cell is expected to
 *                         hold; 0 when no turn has settled yet
 */
public record SessionBinding(String cellId, long lastPromptTokens) {

    public SessionBinding {
        Objects.requireNonNull(cellId, "cellId");
        if (lastPromptTokens < 0) {
            throw new IllegalArgumentException("lastPromptTokens must not be negative, was " + lastPromptTokens);
        }
    }
}
