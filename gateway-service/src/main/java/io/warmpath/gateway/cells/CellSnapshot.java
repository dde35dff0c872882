package io.warmpath.gateway.cells;

import java.util.Set;

import io.warmpath.routing.Cell;
import org.springframework.cloud.client.ServiceInstance;

/**
 * One cell as the router sees it at one moment.
 *
 * @param cell     the routing-core cell (its id places it on the hash ring)
 * @param instance where to send requests
 * @param models   the models it serves: those it reports, or its discovery metadata before the first probe
 * @param eligible healthy by its latest probe and not ejected
 * @param inFlight requests the gateway has on it now
 * @param waiting  requests queued in its engine and its admission lanes, as last reported
 */
public record CellSnapshot(Cell cell, ServiceInstance instance, Set<String> models, boolean eligible, int inFlight,
        int waiting) {

    public String id() {
        return cell.id();
    }

    public boolean serves(String model) {
        return models.contains(model);
    }

    /** The load a policy weighs: what the gateway sent and has not seen finish, plus what queues in the engine. */
    public int load() {
        return inFlight + waiting;
    }
}
