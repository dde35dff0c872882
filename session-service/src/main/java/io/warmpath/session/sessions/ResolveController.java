package io.warmpath.session.sessions;

import io.warmpath.contracts.assertion.Assertion;
import io.warmpath.contracts.sessions.ResolveRequest;
import io.warmpath.contracts.sessions.ResolvedSession;
import io.warmpath.session.web.Tenant;
import jakarta.validation.Valid;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /internal/resolve}: the gateway's lookup of the session behind an {@code x-session-affinity} value,
 * once per turn (behind its short near cache).
 */
@RestController
class ResolveController {

    private final Sessions sessions;

    ResolveController(Sessions sessions) {
        this.sessions = sessions;
    }

    @PostMapping("/internal/resolve")
    ResolvedSession resolve(Tenant tenant, Assertion caller, @Valid @RequestBody ResolveRequest request) {
        return SessionViews.resolved(sessions.resolve(tenant.id(), caller.subject(), request.affinity(),
                request.workflow()));
    }
}
