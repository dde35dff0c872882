package io.warmpath.gateway.routing;

import io.warmpath.contracts.sessions.ResolvedSession;
import io.warmpath.gateway.security.Caller;
import io.warmpath.routing.SessionBinding;
import io.warmpath.routing.StickyDecision;
import org.jspecify.annotations.Nullable;

/**
 * One turn of a resolved session, as an exchange attribute: {@link InferenceRequestFilter} puts it there,
 * {@link CellLoadBalancer} records each attempt's sticky decision in it, and {@link SessionBindingFilter} forwards
 * the session headers and stores the binding the decision made.
 */
final class SessionTurn {

    static final String ATTRIBUTE = SessionTurn.class.getName();

    final Caller caller;
    final String affinity;
    final ResolvedSession session;
    final String model;
    /** This turn's prompt, estimated from the body size (about four bytes of JSON per token). */
    final long estimatedPromptTokens;

    private volatile @Nullable Choice latest;

    SessionTurn(Caller caller, String affinity, ResolvedSession session, String model, long estimatedPromptTokens) {
        this.caller = caller;
        this.affinity = affinity;
        this.session = session;
        this.model = model;
        this.estimatedPromptTokens = estimatedPromptTokens;
    }

    static long estimatePromptTokens(int bodyBytes) {
        return bodyBytes / 4L;
    }

    @Nullable SessionBinding binding() {
        return session.binding() == null ? null
                : new SessionBinding(session.binding().cellId(), session.binding().promptTokensHeld());
    }

    /**
     * Records the latest attempt's decision (a retried request decides again).
     *
     * @param cellId the chosen cell
     * @param reason the decision's reason as session-service names it (a {@code GONE} cell may be refined to
     *               {@code rebind_model})
     */
    void decided(StickyDecision decision, String cellId, String reason) {
        latest = new Choice(decision, cellId, reason);
    }

    /** The latest decision; {@code null} when the policy is not {@code sticky}. */
    @Nullable Choice latest() {
        return latest;
    }

    record Choice(StickyDecision decision, String cellId, String reason) {
    }
}
