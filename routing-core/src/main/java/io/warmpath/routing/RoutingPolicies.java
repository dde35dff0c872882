package io.warmpath.routing;

import java.util.List;
import java.util.Locale;

/** The policies this module ships, by the names configuration uses. */
public final class RoutingPolicies {

    /** Names accepted by {@link #byName(String, double)}. */
    public static final List<String> NAMES =
            List.of(RoundRobinPolicy.NAME, ConsistentHashPolicy.NAME, BoundedLoadPolicy.NAME, StickyPolicy.NAME);

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

    /** The stored session binding, with {@code bounded-load} for new sessions and rebinds; see {@link StickyPolicy}. */
    public static StickyPolicy sticky(StickySettings settings) {
        return new StickyPolicy(settings);
    }

    public static StickyPolicy sticky() {
        return sticky(StickySettings.defaults());
    }

    /**
     * The policy configured by name; {@code sticky} gets {@link StickySettings#defaults()} with this balance factor
     * (use {@link #byName(String, StickySettings)} to set the rest).
     *
     * @param balanceFactor used by {@code bounded-load} and by {@code sticky} for new sessions and rebinds
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static RoutingPolicy byName(String name, double balanceFactor) {
        return byName(name, StickySettings.defaults().withBalanceFactor(balanceFactor));
    }

    /**
     * The policy configured by name.
     *
     * @param settings {@code sticky}'s settings; {@code bounded-load} uses their balance factor, the others nothing
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static RoutingPolicy byName(String name, StickySettings settings) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case RoundRobinPolicy.NAME -> roundRobin();
            case ConsistentHashPolicy.NAME -> consistentHash();
            case BoundedLoadPolicy.NAME -> boundedLoad(settings.balanceFactor());
            case StickyPolicy.NAME -> sticky(settings);
            default -> throw new IllegalArgumentException(
                    "unknown routing policy '" + name + "'; known: " + String.join(", ", NAMES));
        };
    }
}
