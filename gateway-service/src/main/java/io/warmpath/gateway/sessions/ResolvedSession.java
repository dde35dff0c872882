package io.warmpath.gateway.sessions;

import org.jspecify.annotations.Nullable;

/**
 * What an affinity value resolved to.
 *
 * @param id       the session id ({@code ses_...}), forwarded to cells as {@code x-warmpath-session}
 * @param workflow the session's workflow
 * @param implicit opened from a plain affinity value rather than created with a token
 * @param binding  its cell binding; {@code null} until the first turn is routed
 */
public record ResolvedSession(String id, @Nullable String workflow, boolean implicit, @Nullable StoredBinding binding) {

    ResolvedSession withBinding(StoredBinding newBinding) {
        return new ResolvedSession(id, workflow, implicit, newBinding);
    }
}
