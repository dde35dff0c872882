package io.warmpath.bench.replay;

import java.util.List;

/**
 * One policy's replay of a workload.
 *
 * @param policy      the policy name ({@code ideal} for the single engine holding all cells' capacity)
 * @param cells       cells the policy routed over
 * @param outcomes    one per turn that completed, in turn order
 * @param rejected    turns an engine refused (prompt plus output over the context length)
 * @param wallSeconds real time the replay took
 */
public record PolicyRun(String policy, int cells, List<TurnOutcome> outcomes, int rejected, double wallSeconds) {

    public PolicyRun {
        outcomes = List.copyOf(outcomes);
    }
}
