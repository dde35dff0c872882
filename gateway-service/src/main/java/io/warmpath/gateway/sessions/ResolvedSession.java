package io.warmpath.gateway.sessions;

import org.jspecify.annotations.Nullable;

/**
 * What an affinity value resolved to.
 *
 * @param id        the session id ({@code ses_...}), forwarded to cells as {@code x-warmpath-session}
 * @param workflow  the session's workflow
 * @param implicit  opened from a plain affinity value rather than created with a token
 * @param binding   its cell binding; {@code null} until the first turn is routed
 * @param dataClass the class of its data ({@code public}, {@code internal}, {@code confidential},
 *                  {@code regulated}); {@code null} when session-service did not say
 * @param region    the region its data must stay in; {@code null} when it is not pinned
 * @param limited   whether it has a context limit or a budget, so that its cell must reserve before each turn;
 *                  {@code true} when session-service did not say
 */
public record ResolvedSession(String id, @Nullable String workflow, boolean implicit, @Nullable StoredBinding binding,
        @Nullable String dataClass, @Nullable String region, boolean limited) {

    /** A session with limits and no data class or region of its own. */
    public ResolvedSession(String id, @Nullable String workflow, boolean implicit, @Nullable StoredBinding binding) {
        this(id, workflow, implicit, binding, null, null, true);
    }

    ResolvedSession withBinding(StoredBinding newBinding) {
        return new ResolvedSession(id, workflow, implicit, newBinding, dataClass, region, limited);
    }
}
