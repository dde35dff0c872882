package io.warmpath.routing;

import java.util.OptionalInt;

/**
 * Chooses one cell of a pool for a request. Implementations are small, stateless or thread-safe, and never block:
 * the gateway calls them on its event loop.
 */
public interface RoutingPolicy {

    /** The name this policy is chosen by in configuration, such as {@code bounded-load}. */
    String name();

    /**
     * Picks a cell.
     *
     * @return the index of the chosen cell in {@code pool}, or empty when every cell is excluded or the pool is empty
     */
    OptionalInt pick(CellPool pool, PickRequest request);
}
