package io.warmpath.bench.replay;

import java.util.List;

/**
 * One policy's replay of a workload.
 *
 * @param policy        the policy name ({@code ideal} for the single engine holding all cells' capacity)
 * @param cells         cells the policy routed over (after a scale-out: the grown fleet)
 * @param outcomes      one per turn that completed, in turn order
 * @param rejected      turns an engine refused (prompt plus output over the context length)
 * @param wallSeconds   real time the replay took
 * @param scaleOutMoves how a scale-out event moved existing sessions; {@code null} without an event, and for the ideal
 */
public record PolicyRun(String policy, int cells, List<TurnOutcome> outcomes, int rejected, double wallSeconds,
                        ScaleOutMoves scaleOutMoves) {

    public PolicyRun {
        outcomes = List.copyOf(outcomes);
    }

    /** A run without a scale-out event. */
    public PolicyRun(String policy, int cells, List<TurnOutcome> outcomes, int rejected, double wallSeconds) {
        this(policy, cells, outcomes, rejected, wallSeconds, null);
    }
}
