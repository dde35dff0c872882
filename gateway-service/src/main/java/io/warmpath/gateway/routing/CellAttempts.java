package io.warmpath.gateway.routing;

import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.warmpath.gateway.cells.CellLease;
import io.warmpath.gateway.cells.CellRegistry;

/**
 * The cells one request has been sent to (more than one when a refused connection was retried), kept as an exchange
 * attribute: the load balancer skips cells already tried, and every attempt's in-flight lease is released when the
 * response is finished.
 */
final class CellAttempts {

    static final String ATTRIBUTE = CellAttempts.class.getName();

    private final Set<String> triedCellIds = ConcurrentHashMap.newKeySet();
    private final Queue<CellLease> leases = new ConcurrentLinkedQueue<>();

    CellLease start(String cellId, CellRegistry registry) {
        triedCellIds.add(cellId);
        CellLease lease = registry.acquire(cellId);
        leases.add(lease);
        return lease;
    }

    boolean tried(String cellId) {
        return triedCellIds.contains(cellId);
    }

    void finishAll() {
        leases.forEach(CellLease::release);
    }
}
