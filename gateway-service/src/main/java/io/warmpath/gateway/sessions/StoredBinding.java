package io.warmpath.gateway.sessions;

import io.warmpath.routing.SessionBinding;
import org.jspecify.annotations.Nullable;

/**
 * A session's binding as session-service stores it.
 *
 * @param cellId           the bound cell
 * @param model            the model of the turn that bound it
 * @param epoch            bumped on every change; writes compare and set on it
 * @param lastPromptTokens the prompt tokens of the session's last settled turn
 */
public record StoredBinding(String cellId, @Nullable String model, long epoch, long lastPromptTokens) {

    /** The binding as routing-core's {@code sticky} policy reads it. */
    public SessionBinding forRouting() {
        return new SessionBinding(cellId, Math.max(0, lastPromptTokens));
    }
}
