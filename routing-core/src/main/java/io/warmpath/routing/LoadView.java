package io.warmpath.routing;

/**
 * The current load of each cell of a pool, by index: requests the router has in flight on it, or what the cell
 * reports (running plus waiting). Read during a pick; it need not be a consistent snapshot.
 */
@FunctionalInterface
public interface LoadView {

    LoadView NONE = index -> 0;

    int load(int cellIndex);
}
