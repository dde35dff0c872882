package io.warmpath.session.bindings;

import java.util.List;

import io.warmpath.session.sessions.Binding;
import io.warmpath.session.web.ApiError;
import io.warmpath.session.web.ApiErrorException;
import io.warmpath.session.web.Tenant;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Bindings (internal API): {@code PUT /internal/sessions/{id}/binding} sets where a session lives (compare-and-set
 * on {@code expected_epoch}, 409 on mismatch) and {@code GET /internal/cells/{cellId}/sessions} lists a cell's
 * sessions for the gateway to move them when the cell goes away. The list covers every tenant: it is the
 * platform's view of the cell, and session ids alone grant nothing without the owning tenant.
 */
@RestController
class BindingController {

    private final Bindings bindings;

    BindingController(Bindings bindings) {
        this.bindings = bindings;
    }

    @PutMapping("/internal/sessions/{id}/binding")
    Binding bind(Tenant tenant, @PathVariable String id, @RequestBody BindRequest request) {
        BindingReason reason = request.validReason();
        return bindings.bind(tenant.id(), id, request, reason);
    }

    @GetMapping("/internal/cells/{cellId}/sessions")
    CellSessions cellSessions(@PathVariable String cellId) {
        if (!BindRequest.CELL_ID.matcher(cellId).matches()) {
            throw new ApiErrorException(ApiError.invalidField("cell_id", "must match [A-Za-z0-9._:-]{1,128}"));
        }
        return new CellSessions(cellId, bindings.sessionsOn(cellId));
    }

    /** Response of {@code GET /internal/cells/{cellId}/sessions}. */
    record CellSessions(String cellId, List<String> sessionIds) {
    }
}
