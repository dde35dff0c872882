package io.warmpath.inference.context;

import io.warmpath.contracts.sessions.CheckpointUse;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ObjectNode;

/**
 * One chat turn's checkpoint: the body to send the engine, and what the checkpoint did.
 *
 * @param body    the chat body, with the summary in place of the history it covers when it was applied
 * @param use     what the turn did with its session's checkpoint; {@code null} when the session has none
 * @param covered how many history messages the summary replaced (0 when it was not applied)
 */
public record CheckpointTurn(ObjectNode body, @Nullable CheckpointUse use, int covered) {

    /** A turn sent as it came. */
    public static CheckpointTurn none(ObjectNode body) {
        return new CheckpointTurn(body, null, 0);
    }

    /** The value of the response's checkpoint header, or {@code null} for none. */
    public @Nullable String headerValue() {
        if (use == null) {
            return null;
        }
        return use.applied() ? Integer.toString(covered) : use.mismatch() ? "mismatch" : null;
    }
}
