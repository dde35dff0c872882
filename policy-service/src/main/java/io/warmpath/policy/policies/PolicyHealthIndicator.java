package io.warmpath.policy.policies;

import java.util.Map;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code policies} in {@code /actuator/health}: UP while a set is active (always, once started), with its version
 * and size, and the last rejected update, if any, so a bad ConfigMap shows up without failing the probes of a
 * service that still decides correctly on its last good set.
 */
@Component("policies")
class PolicyHealthIndicator implements HealthIndicator {

    private final PolicyStore store;

    PolicyHealthIndicator(PolicyStore store) {
        this.store = store;
    }

    @Override
    public Health health() {
        PolicyBundle bundle = store.current();
        Health.Builder health = Health.up()
                .withDetail("version", bundle.version())
                .withDetail("policies", bundle.policyCount())
                .withDetail("entities", bundle.entities().size())
                .withDetail("loadedAt", bundle.loadedAt().toString())
                .withDetail("source", store.watchesDirectory() ? "directory" : "classpath");
        PolicyStore.Rejection rejection = store.lastRejection();
        if (rejection != null) {
            health.withDetail("lastRejectedUpdate", Map.of(
                    "version", rejection.version(),
                    "at", rejection.at().toString(),
                    "problems", rejection.problems()));
        }
        return health.build();
    }
}
