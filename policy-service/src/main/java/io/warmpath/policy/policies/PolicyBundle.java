package io.warmpath.policy.policies;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.cedarpolicy.model.entity.Entity;
import com.cedarpolicy.model.policy.PolicySet;
import org.jspecify.annotations.Nullable;

/**
 * One validated policy set, ready for decisions. Immutable once built; a reload replaces the whole bundle.
 *
 * @param policySet   the policies, each under the id of its {@code @id} annotation
 * @param entities    the entities of the data files (tenants and their settings)
 * @param reasons     each policy's {@code @reason} annotation, by policy id (policies without one are absent)
 * @param version     a short fingerprint of the files it came from, recorded with every decision
 * @param loadedAt    when it became active
 */
public record PolicyBundle(PolicySet policySet, List<Entity> entities, Map<String, String> reasons, String version,
        Instant loadedAt) {

    public PolicyBundle {
        entities = List.copyOf(entities);
        reasons = Map.copyOf(reasons);
    }

    public int policyCount() {
        return policySet.getNumPolicies();
    }

    public @Nullable String reasonOf(String policyId) {
        return reasons.get(policyId);
    }
}
