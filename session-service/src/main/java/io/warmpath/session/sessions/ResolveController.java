package io.warmpath.session.sessions;

import io.warmpath.session.web.Tenant;
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
    SessionViews.Resolved resolve(Tenant tenant, @RequestBody SessionViews.ResolveRequest request) {
        return SessionViews.Resolved.of(sessions.resolve(tenant.id(), request.affinity(), request.workflow()));
    }
}
