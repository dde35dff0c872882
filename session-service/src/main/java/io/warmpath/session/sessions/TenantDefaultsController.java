package io.warmpath.session.sessions;

import io.warmpath.contracts.sessions.TenantDefaults;
import io.warmpath.session.web.Tenant;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /internal/tenant/defaults}: the data class and limits of the caller's tenant's implicit sessions, which
 * the gateway keeps so that a request it serves without session-service (an outage) is never handled more weakly
 * than the tenant's own defaults. The tenant is the assertion's: 403 for an assertion that names none.
 */
@RestController
class TenantDefaultsController {

    private final Sessions sessions;

    TenantDefaultsController(Sessions sessions) {
        this.sessions = sessions;
    }

    @GetMapping("/internal/tenant/defaults")
    TenantDefaults tenantDefaults(Tenant tenant) {
        return sessions.implicitDefaults(tenant.id());
    }
}
