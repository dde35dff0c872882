package io.warmpath.routing;

import java.util.List;
import java.util.Locale;

/** The policies this module ships, by the names configuration uses. */
public final class RoutingPolicies {

    /** Names accepted by {@link #byName(String, double)}. */
    public static final List<String> NAMES =
            List.of(RoundRobinPolicy.NAME, ConsistentHashPolicy.NAME, BoundedLoadPolicy.NAME);

    private RoutingPolicies() {
    }

    public static RoutingPolicy roundRobin() {
        return new RoundRobinPolicy();
    }

    public static RoutingPolicy consistentHash() {
        return new ConsistentHashPolicy();
    }

    public static RoutingPolicy boundedLoad(double balanceFactor) {
        return new BoundedLoadPolicy(balanceFactor);
    }

    public static RoutingPolicy boundedLoad() {
        return boundedLoad(BoundedLoadPolicy.DEFAULT_BALANCE_FACTOR);
    }

    /**
     * The policy configured by name.
     *
     * @param balanceFactor used by {@code bounded-load} only
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static RoutingPolicy byName(String name, double balanceFactor) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case RoundRobinPolicy.NAME -> roundRobin();
            case ConsistentHashPolicy.NAME -> consistentHash();
            case BoundedLoadPolicy.NAME -> boundedLoad(balanceFactor);
            default -> throw new IllegalArgumentException(
                    "unknown routing policy '" + name + "'; known: " + String.join(", ", NAMES));
        };
    }
}
