package io.warmpath.session.context;

import io.warmpath.contracts.assertion.Assertion;
import io.warmpath.contracts.sessions.Checkpoint;
import io.warmpath.contracts.sessions.SessionContext;
import io.warmpath.session.web.SessionScope;
import io.warmpath.session.web.Tenant;
import jakarta.validation.Valid;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * A checkpointing session's cells read its context (policy, limit, latest checkpoint) and store new checkpoints
 * (internal API). The turn's assertion names its session; a call about another session is a 403.
 */
@RestController
class CheckpointController {

    private final Checkpoints checkpoints;

    CheckpointController(Checkpoints checkpoints) {
        this.checkpoints = checkpoints;
    }

    @GetMapping("/internal/sessions/{id}/context")
    SessionContext context(Tenant tenant, Assertion caller, @PathVariable String id) {
        SessionScope.requireSession(caller, id);
        return checkpoints.context(tenant.id(), id);
    }

    @PutMapping("/internal/sessions/{id}/checkpoint")
    Checkpoint store(Tenant tenant, Assertion caller, @PathVariable String id,
            @Valid @RequestBody Checkpoint checkpoint) {
        SessionScope.requireSession(caller, id);
        return checkpoints.store(tenant.id(), id, checkpoint);
    }
}
