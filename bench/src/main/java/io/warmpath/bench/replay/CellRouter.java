package io.warmpath.bench.replay;

import io.warmpath.bench.workload.Turn;
import io.warmpath.routing.LoadView;

/** Chooses the cell for each turn of a replay; one instance per replay, called from one thread. */
public interface CellRouter {

    /** The policy's name, for reports. */
    String name();

    /**
     * @param turn the turn to place
     * @param load requests in flight on each cell right now
     * @return index of the chosen cell
     */
    int route(Turn turn, LoadView load);

    /** The turn finished on {@code cell}; policies that keep session state (bindings) learn from it. */
    default void completed(Turn turn, int cell) {
    }
}
