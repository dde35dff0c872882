package io.warmpath.policy.decisions;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * One validated decision request.
 *
 * @param principalId  the caller's subject
 * @param tenant       the caller's tenant
 * @param roles        the caller's roles
 * @param homeRegion   the caller's region claim
 * @param clearance    the caller's clearance; {@link Questions#DEFAULT_CLEARANCE} when it named none
 * @param action       what the caller wants to do
 * @param resourceType the kind of resource
 * @param resourceId   the resource's id
 * @param region       the resource's region
 * @param dataClass    the class of the data involved; the strictest when it named none
 * @param context      the caller's extra facts: {@code String}, {@code Long} or {@code Boolean} values
 * @param url          for a {@code Url} resource, its parts
 */
record Question(String principalId, String tenant, List<String> roles, @Nullable String homeRegion, String clearance,
        Action action, ResourceType resourceType, String resourceId, @Nullable String region, String dataClass,
        Map<String, Object> context, @Nullable UrlParts url) {

    /** The region the decision is about: the resource's, or {@code ""} when it has none. */
    String regionOrEmpty() {
        return region == null ? "" : region;
    }

    /**
     * @param scheme lower case
     * @param host   lower case
     * @param port   explicit, or the scheme's default (80, 443)
     */
    record UrlParts(String scheme, String host, int port) {

        /** What the audit log records of a URL: never its path or query, which may carry secrets. */
        String origin() {
            return scheme + "://" + host + ":" + port;
        }
    }
}
