package io.warmpath.bench.replay;

import io.warmpath.bench.workload.Turn;
import io.warmpath.routing.LoadView;
import java.util.Collection;

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

    /**
     * Cells joined: the fleet now has {@code cells} cells, the existing ones keeping their indexes, and later turns
     * may go to any of them.
     *
     * @param sessions the sessions seen so far
     * @return how many of {@code sessions} the policy now assigns to another cell than before, or
     *         {@link ScaleOutMoves#NOT_APPLICABLE} for a policy with no cell per session
     */
    default int addCells(int cells, Collection<String> sessions) {
        throw new UnsupportedOperationException(name() + " cannot route over added cells");
    }
}
