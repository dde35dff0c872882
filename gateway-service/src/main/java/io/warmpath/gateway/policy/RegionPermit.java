package io.warmpath.gateway.policy;

import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.springframework.cloud.client.ServiceInstance;

/**
 * The regions whose cells may take a request, as an exchange attribute for the load balancer. Absent: any region
 * (policy checks disabled, or a route without data such as {@code /v1/models}).
 *
 * @param regions the allowed regions; a cell without a {@code region} label counts as region {@code ""}
 */
public record RegionPermit(Set<String> regions) {

    public static final String ATTRIBUTE = RegionPermit.class.getName();

    public RegionPermit {
        regions = Set.copyOf(regions);
    }

    /** Whether the exchange's permit, if any, lets this cell take the request. */
    public static boolean admits(Map<String, Object> attributes, ServiceInstance cell) {
        return !(attributes.get(ATTRIBUTE) instanceof RegionPermit permit) || permit.regions.contains(regionOf(cell));
    }

    /** A cell's region: its {@code region} discovery metadata, or {@code ""}. */
    public static String regionOf(ServiceInstance cell) {
        @Nullable String region = cell.getMetadata() == null ? null : cell.getMetadata().get("region");
        return region == null ? "" : region;
    }
}
