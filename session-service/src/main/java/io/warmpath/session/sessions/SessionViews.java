package io.warmpath.session.sessions;

import java.time.Instant;

import io.warmpath.contracts.DataClass;
import io.warmpath.contracts.sessions.Binding;
import io.warmpath.contracts.sessions.ResolvedSession;
import org.jspecify.annotations.Nullable;

/** The JSON shapes of the session endpoints (snake_case on the wire). */
final class SessionViews {

    private SessionViews() {
    }

    /** {@code POST /v1/sessions}: the only answer that ever carries the token. */
    record Created(String id, String affinityToken, Instant expiresAt, String workflow, String dataClass,
            @Nullable String region, Budgets budgets, boolean implicit, boolean recordTranscript,
            String contextPolicy) {

        static Created of(SessionRecord session, String token) {
            return new Created(session.id(), token, session.expiresAt(), session.workflow(), session.dataClass(),
                    session.region(), session.budgets(), session.implicit(), session.recordTranscript(),
                    session.contextPolicy());
        }
    }

    /** {@code GET /v1/sessions/{id}}: the session without its token. */
    record Session(String id, @Nullable String workflow, String dataClass, @Nullable String region,
            boolean implicit, Instant expiresAt, Budgets budgets, @Nullable Binding binding, boolean recordTranscript,
            String contextPolicy) {

        static Session of(SessionRecord session) {
            return new Session(session.id(), session.workflow(), session.dataClass(), session.region(),
                    session.implicit(), session.expiresAt(), session.budgets(), session.binding(),
                    session.recordTranscript(), session.contextPolicy());
        }
    }

    /** {@code POST /v1/sessions/{id}/rotate}. */
    record Rotated(String affinityToken, Instant expiresAt) {
    }

    /** {@code POST /internal/resolve}: everything the gateway routes on. */
    static ResolvedSession resolved(SessionRecord session) {
        return new ResolvedSession(session.id(), session.tenant(), session.workflow(), session.implicit(),
                DataClass.fromWire(session.dataClass()), session.region(), session.limited(), session.binding(),
                session.recordTranscript(), session.trimmedTools(), session.contextPolicy());
    }
}
