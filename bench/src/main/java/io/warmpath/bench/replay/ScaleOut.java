package io.warmpath.bench.replay;

/**
 * A scale-out event in a replay: {@code addedCells} cold cells join the fleet once {@code atFraction} of the turns
 * have arrived. Each new cell has the same cache and compute as the others, so total capacity grows with them; the
 * ideal grows by the same capacity at the same moment.
 *
 * @param atFraction share of the workload's turns replayed before the event, strictly between 0 and 1
 * @param addedCells cells added; 0 makes a control run: nothing changes, but the same moves are counted, to tell
 *                   what the event caused from what a policy does anyway
 */
public record ScaleOut(double atFraction, int addedCells) {

    public ScaleOut {
        if (!(atFraction > 0 && atFraction < 1) || addedCells < 0) {
            throw new IllegalArgumentException("scale-out needs a fraction between 0 and 1 (exclusive) and a number"
                    + " of added cells (0 for a control run); got " + atFraction + " and " + addedCells);
        }
    }

    /**
     * Index of the first turn routed after the event: turns {@code 0..eventTurn-1} see the original fleet. At least
     * one turn falls on each side of the event (for workloads of two turns or more).
     */
    public int eventTurn(int turns) {
        return (int) Math.max(1, Math.min(turns - 1, Math.round(atFraction * turns)));
    }
}
