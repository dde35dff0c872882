package io.warmpath.artifacts.store;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** The object store of each region this service keeps artifacts in. */
public final class RegionalStores {

    private final Map<String, ObjectStore> byRegion;

    RegionalStores(Map<String, ObjectStore> byRegion) {
        this.byRegion = Map.copyOf(byRegion);
    }

    /** The store of {@code region}, or empty when this service keeps nothing there. */
    public Optional<ObjectStore> in(String region) {
        return Optional.ofNullable(byRegion.get(region));
    }

    /** Every region with a store, sorted. */
    public Set<String> regions() {
        return new TreeMap<>(byRegion).keySet();
    }
}
