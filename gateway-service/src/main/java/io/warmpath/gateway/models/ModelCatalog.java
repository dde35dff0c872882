package io.warmpath.gateway.models;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import io.warmpath.gateway.cells.CellRegistry;
import io.warmpath.gateway.cells.CellSnapshot;
import io.warmpath.gateway.policy.DataScope;
import io.warmpath.gateway.policy.RegionGuard;
import io.warmpath.gateway.policy.RegionPermit;
import io.warmpath.gateway.security.Caller;
import io.warmpath.gateway.sessions.TenantDirectory;
import reactor.core.publisher.Mono;

/**
 * What {@code /v1/models} lists for a caller: every model some healthy cell serves in a region where policy lets the
 * caller's data (its tenant's default class) be processed, and each alias of such a model. A model served only where
 * the caller may not send its data is not the caller's to use, so it is not listed.
 */
final class ModelCatalog {

    private final CellRegistry cells;
    private final RegionGuard regions;
    private final TenantDirectory tenants;
    private final ModelProperties properties;
    private final Duration retryAfter;

    ModelCatalog(CellRegistry cells, RegionGuard regions, TenantDirectory tenants, ModelProperties properties,
            Duration retryAfter) {
        this.retryAfter = retryAfter;
        this.cells = cells;
        this.regions = regions;
        this.tenants = tenants;
        this.properties = properties;
    }

    /** The caller's models by name, each with the model it stands for (itself, or an alias's target); sorted. */
    Mono<Map<String, String>> visibleTo(Caller caller) {
        Map<String, Set<String>> regionsByModel = new TreeMap<>();
        for (CellSnapshot cell : cells.snapshot()) {
            if (cell.eligible()) {
                for (String model : cell.models()) {
                    regionsByModel.computeIfAbsent(model, m -> new TreeSet<>())
                            .add(RegionPermit.regionOf(cell.instance()));
                }
            }
        }
        Set<String> allRegions = new TreeSet<>();
        regionsByModel.values().forEach(allRegions::addAll);
        return tenants.dataClassOf(caller.tenant(), retryAfter)
                .flatMap(dataClass -> regions.regionsAllowed(caller, new DataScope(dataClass, null), allRegions))
                .map(allowed -> {
                    Map<String, String> visible = new TreeMap<>();
                    regionsByModel.forEach((model, served) -> {
                        if (served.stream().anyMatch(allowed::contains)) {
                            visible.put(model, model);
                        }
                    });
                    List<Map.Entry<String, String>> aliases = new ArrayList<>(properties.aliases().entrySet());
                    for (Map.Entry<String, String> alias : aliases) {
                        if (visible.containsKey(alias.getValue())) {
                            visible.putIfAbsent(alias.getKey(), alias.getValue());
                        }
                    }
                    // A routing alias of the caller's, listed as its default model (what it is served by unless the
                    // light one is expected to cost less).
                    properties.routing().forEach((alias, routing) -> {
                        if (routing.servesTenant(caller.tenant()) && visible.containsKey(routing.defaultModel())) {
                            visible.putIfAbsent(alias, routing.defaultModel());
                        }
                    });
                    return visible;
                });
    }
}
