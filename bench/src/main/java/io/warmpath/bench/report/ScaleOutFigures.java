package io.warmpath.bench.report;

import io.warmpath.bench.replay.PolicyRun;
import io.warmpath.bench.replay.ScaleOut;
import io.warmpath.bench.workload.Workload;
import java.util.ArrayList;
import java.util.List;

/**
 * A replay's figures around its scale-out event.
 *
 * @param event          what happened: the fraction of turns before it and the cells added
 * @param cellsBefore    cells before the event
 * @param eventTurn      index of the first turn after the event
 * @param eventSeconds   arrival time of that turn
 * @param justAfterTurns how many turns after the event the "just after" hit ratio covers (a tenth of the workload)
 * @param policies       one summary per policy, the ideal last
 */
public record ScaleOutFigures(ScaleOut event, int cellsBefore, int eventTurn, double eventSeconds, int justAfterTurns,
                              List<ScaleOutSummary> policies) {

    /** Share of the workload's turns the "just after" window covers. */
    static final double JUST_AFTER_SHARE = 0.1;

    static ScaleOutFigures of(ScaleOut event, int cellsBefore, Workload workload, List<PolicyRun> runs) {
        int eventTurn = event.eventTurn(workload.size());
        int justAfterTurns = (int) Math.max(1, Math.min(workload.size() - eventTurn,
                Math.round(JUST_AFTER_SHARE * workload.size())));
        List<ScaleOutSummary> summaries = new ArrayList<>();
        for (PolicyRun run : runs) {
            summaries.add(ScaleOutSummary.of(run, eventTurn, eventTurn + justAfterTurns, cellsBefore));
        }
        summaries.stream().filter(summary -> summary.policy().equals("ideal")).findFirst()
                .ifPresent(ideal -> summaries.replaceAll(summary -> summary.against(ideal)));
        return new ScaleOutFigures(event, cellsBefore, eventTurn, workload.turns().get(eventTurn).arrivalSeconds(),
                justAfterTurns, List.copyOf(summaries));
    }

    public int cellsAfter() {
        return cellsBefore + event.addedCells();
    }
}
