package io.warmpath.session.sessions;

import io.warmpath.contracts.DataClass;
import io.warmpath.contracts.WarmpathHeaders;
import io.warmpath.contracts.assertion.Assertion;
import io.warmpath.session.web.Tenant;
import jakarta.validation.Valid;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The public session API, routed here by the gateway (scope {@code sessions:write}; GET also
 * {@code inference:invoke}). Another tenant's session answers 404, like one that does not exist; only its creator (or
 * a holder of {@code sessions:admin}) may close or rotate a session.
 */
@RestController
@RequestMapping("/v1/sessions")
class SessionController {

    private final Sessions sessions;
    private final TranscriptPolicy transcripts;

    SessionController(Sessions sessions, TranscriptPolicy transcripts) {
        this.sessions = sessions;
        this.transcripts = transcripts;
    }

    /** A session that records its transcript is created only when policy allows it for its data class and region. */
    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    SessionViews.Created create(Tenant tenant, Assertion caller, @Valid @RequestBody CreateSessionRequest request,
            @RequestHeader(name = WarmpathHeaders.POLICY_ASSERTION, required = false) @Nullable String policy) {
        CreateSessionRequest complete = request.withDefaults();
        if (complete.recordsTranscript()) {
            transcripts.check(caller, policy, DataClass.fromWire(complete.dataClass()), complete.region());
        }
        return sessions.create(tenant.id(), caller.subject(), complete);
    }

    @GetMapping("/{id}")
    SessionViews.Session get(Tenant tenant, @PathVariable String id) {
        return SessionViews.Session.of(sessions.require(tenant.id(), id));
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void close(Tenant tenant, Assertion caller, @PathVariable String id) {
        sessions.close(tenant.id(), caller, id);
    }

    @PostMapping("/{id}/rotate")
    SessionViews.Rotated rotate(Tenant tenant, Assertion caller, @PathVariable String id) {
        return sessions.rotate(tenant.id(), caller, id);
    }
}
