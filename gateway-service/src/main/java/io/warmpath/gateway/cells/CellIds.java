package io.warmpath.gateway.cells;

import org.springframework.cloud.client.ServiceInstance;

/** How a discovered instance is named as a cell. */
public final class CellIds {

    /** Discovery metadata key of the cell id; Kubernetes discovery can carry it as a pod label or annotation. */
    public static final String CELL_ID = "cell-id";

    private CellIds() {
    }

    /**
     * The cell id of an instance: its {@code cell-id} metadata, else its instance id, else host and port. The id
     * places the cell on the hash ring, so it must be stable across restarts.
     */
    public static String of(ServiceInstance instance) {
        String id = instance.getMetadata().get(CELL_ID);
        if (id != null && !id.isBlank()) {
            return id;
        }
        if (instance.getInstanceId() != null && !instance.getInstanceId().isBlank()) {
            return instance.getInstanceId();
        }
        return instance.getHost() + ':' + instance.getPort();
    }
}
