package io.warmpath.contracts.sessions;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.warmpath.contracts.DataClass;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * Answer to {@code GET /internal/tenant/defaults}: what the caller's tenant's implicit sessions get when they open.
 * The gateway keeps it, so that a request it must serve without session-service (an outage) is never handled more
 * weakly than the tenant's own defaults, and a request without a session carries the tenant's class.
 *
 * @param tenant    the tenant (the caller's)
 * @param dataClass the class of an implicit session's data, and of a request without a session
 * @param limited   whether implicit sessions have context limits or budgets
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TenantDefaults(String tenant, DataClass dataClass, boolean limited) {

    public TenantDefaults {
        dataClass = dataClass == null ? DataClass.STRICTEST : dataClass;
    }
}
