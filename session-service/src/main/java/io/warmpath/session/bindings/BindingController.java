package io.warmpath.session.bindings;

import java.util.List;
import java.util.regex.Pattern;

import io.warmpath.contracts.assertion.Assertion;
import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ApiErrorException;
import io.warmpath.contracts.sessions.BindRequest;
import io.warmpath.contracts.sessions.Binding;
import io.warmpath.contracts.sessions.WireFormats;
import io.warmpath.session.web.SessionScope;
import io.warmpath.session.web.Tenant;
import jakarta.validation.Valid;
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

    private static final Pattern CELL_ID = Pattern.compile(WireFormats.CELL_ID);

    private final Bindings bindings;

    BindingController(Bindings bindings) {
        this.bindings = bindings;
    }

    @PutMapping("/internal/sessions/{id}/binding")
    Binding bind(Tenant tenant, Assertion caller, @PathVariable String id, @Valid @RequestBody BindRequest request) {
        SessionScope.requireSession(caller, id);
        return bindings.bind(tenant.id(), id, request, request.bindingReason());
    }

    @GetMapping("/internal/cells/{cellId}/sessions")
    CellSessions cellSessions(@PathVariable String cellId) {
        if (!CELL_ID.matcher(cellId).matches()) {
            throw new ApiErrorException(ApiError.invalidField("cell_id", "must match " + WireFormats.CELL_ID));
        }
        return new CellSessions(cellId, bindings.sessionsOn(cellId));
    }

    /** Response of {@code GET /internal/cells/{cellId}/sessions}. */
    record CellSessions(String cellId, List<String> sessionIds) {
    }
}
