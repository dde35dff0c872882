package io.warmpath.bench.report;

import io.warmpath.bench.replay.PolicyRun;
import io.warmpath.bench.replay.ScaleOutMoves;
import io.warmpath.bench.replay.TurnOutcome;

/**
 * One policy's figures around a scale-out event. Hit ratios are token-weighted, over the turns that arrived in each
 * stretch.
 *
 * @param policy              policy name ({@code ideal} included)
 * @param hitBefore           turns before the event
 * @param hitAfter            turns from the event to the end
 * @param hitJustAfter        the first turns after the event ({@link ScaleOutFigures#justAfterTurns} of them), where
 *                            cold cells show most
 * @param hitAfterToIdeal     {@code hitAfter} over the ideal's
 * @param hitJustAfterToIdeal {@code hitJustAfter} over the ideal's
 * @param hitOverall          the whole run
 * @param newCellsShare       share of the turns after the event that the added cells served
 * @param moves               how existing sessions moved; {@code null} for the ideal
 */
public record ScaleOutSummary(String policy, double hitBefore, double hitAfter, double hitJustAfter,
                              double hitAfterToIdeal, double hitJustAfterToIdeal, double hitOverall,
                              double newCellsShare, ScaleOutMoves moves) {

    /**
     * Summarises a run around the event; the ratios to the ideal are filled by {@link #against}.
     *
     * @param eventTurn      first turn after the event
     * @param justAfterEnd   first turn past the "just after" window
     * @param firstAddedCell index of the first added cell
     */
    static ScaleOutSummary of(PolicyRun run, int eventTurn, int justAfterEnd, int firstAddedCell) {
        long[] before = new long[2];
        long[] after = new long[2];
        long[] justAfter = new long[2];
        int turnsAfter = 0;
        int onNewCells = 0;
        for (TurnOutcome outcome : run.outcomes()) {
            if (outcome.turn() < eventTurn) {
                add(before, outcome);
                continue;
            }
            add(after, outcome);
            if (outcome.turn() < justAfterEnd) {
                add(justAfter, outcome);
            }
            turnsAfter++;
            if (outcome.cell() >= firstAddedCell) {
                onNewCells++;
            }
        }
        long[] all = {before[0] + after[0], before[1] + after[1]};
        return new ScaleOutSummary(run.policy(), ratio(before), ratio(after), ratio(justAfter), 1, 1, ratio(all),
                turnsAfter == 0 ? 0 : (double) onNewCells / turnsAfter, run.scaleOutMoves());
    }

    ScaleOutSummary against(ScaleOutSummary ideal) {
        return new ScaleOutSummary(policy, hitBefore, hitAfter, hitJustAfter, ratio(hitAfter, ideal.hitAfter),
                ratio(hitJustAfter, ideal.hitJustAfter), hitOverall, newCellsShare, moves);
    }

    private static double ratio(double value, double reference) {
        return reference > 0 ? value / reference : 0;
    }

    /** Adds the outcome's cached and prompt tokens to {@code sums}. */
    private static void add(long[] sums, TurnOutcome outcome) {
        sums[0] += outcome.cachedTokens();
        sums[1] += outcome.promptTokens();
    }

    private static double ratio(long[] sums) {
        return sums[1] == 0 ? 0 : (double) sums[0] / sums[1];
    }
}
