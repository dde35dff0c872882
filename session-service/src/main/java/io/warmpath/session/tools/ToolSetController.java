package io.warmpath.session.tools;

import io.warmpath.contracts.assertion.Assertion;
import io.warmpath.contracts.sessions.ToolSet;
import io.warmpath.contracts.sessions.ToolSetRequest;
import io.warmpath.session.web.SessionScope;
import io.warmpath.session.web.Tenant;
import jakarta.validation.Valid;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * A cell asks for a session's tool set before it sends the session's turn with tools (internal API). The turn's
 * assertion names its session; a call about another session is a 403.
 */
@RestController
class ToolSetController {

    private final ToolTrimming trimming;

    ToolSetController(ToolTrimming trimming) {
        this.trimming = trimming;
    }

    @PostMapping("/internal/sessions/{id}/tool-set")
    ToolSet toolSet(Tenant tenant, Assertion caller, @PathVariable String id,
            @Valid @RequestBody ToolSetRequest request) {
        SessionScope.requireSession(caller, id);
        return trimming.toolSet(tenant.id(), id, request.offered());
    }
}
