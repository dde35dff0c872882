package io.warmpath.bench.report;

import io.warmpath.bench.profile.WorkflowProfile;
import io.warmpath.bench.replay.ScaleOutMoves;
import java.util.Locale;

/** The comparison as Markdown tables, for the terminal and for docs. */
public final class MarkdownReport {

    private MarkdownReport() {
    }

    public static String render(Comparison comparison) {
        StringBuilder out = new StringBuilder();
        Comparison.WorkloadFacts workload = comparison.workload();
        out.append(format("Workload %s: %,d turns, %,d sessions, %,d prompt tokens over %.0f s; routing key: %s; "
                        + "unbounded single-cache ceiling %.1f%% of prompt blocks.%n",
                workload.name(), workload.turns(), workload.sessions(), workload.promptTokens(), workload.spanSeconds(),
                workload.routingKey(), 100 * workload.unboundedBlockHitRatio()));
        out.append(format("Fleet: %d cells x %,d cached tokens (%s, %d-token blocks, %d running seqs per cell); "
                        + "the ideal is one engine with all %,d tokens and all cells' compute. Machine: %d cores, Java %s.%n%n",
                comparison.fleet().cells(), comparison.fleet().cacheTokensPerCell(), comparison.fleet().profile().name(),
                comparison.fleet().blockSize(), comparison.fleet().maxNumSeqs(),
                comparison.fleet().cells() * comparison.fleet().cacheTokensPerCell(), comparison.machine().cores(),
                comparison.machine().java()));
        out.append("| policy | hit ratio | of ideal | TTFT p50 / p95 / p99 ms | session TTFT spread p50 / p95 ms "
                + "| e2e p50 / p95 / p99 ms | req/s | out tok/s | load max/mean | $ per 1k turns | saving vs RR "
                + "| replay s |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (PolicySummary summary : comparison.policies()) {
            out.append(format("| %s | %.1f%% | %.1f%% | %s | %.0f / %.0f | %s | %.2f | %.0f | %.2f | %.3f | %.1f%% | %.1f |%n",
                    summary.policy(), 100 * summary.hitRatio(), 100 * summary.hitRatioToIdeal(),
                    triple(summary.ttftMillis()), summary.sessionTtftSpreadMillis().p50(),
                    summary.sessionTtftSpreadMillis().p95(), triple(summary.e2eMillis()),
                    summary.requestsPerSecond(), summary.outputTokensPerSecond(), summary.loadSpread(),
                    summary.costPer1000Turns(), 100 * summary.savingVsRoundRobin(), summary.wallSeconds()));
        }
        if (comparison.scaleOut() != null) {
            out.append(scaleOut(comparison.scaleOut(), comparison.fleet().cacheTokensPerCell()));
        }
        if (!comparison.profiles().isEmpty()) {
            out.append(format("%nProfile per workflow under %s (means per turn):%n%n", comparison.profilePolicy()));
            out.append("| workflow | sessions | turns | uncached prompt | cached prompt | completion | growth/turn "
                    + "| TTFT p50 / p95 / p99 ms | $ per session mean / p50 / p95 |\n");
            out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (WorkflowProfile profile : comparison.profiles()) {
                out.append(format("| %s | %,d | %,d | %,.0f | %,.0f | %,.0f | %,.0f | %s | %.4f / %.4f / %.4f |%n",
                        profile.workflow(), profile.sessions(), profile.turns(), profile.meanUncachedPrompt(),
                        profile.meanCachedPrompt(), profile.meanCompletion(), profile.meanGrowthPerTurn(),
                        triple(profile.ttftMillis()), profile.costPerSession().mean(), profile.costPerSession().p50(),
                        profile.costPerSession().p95()));
            }
        }
        return out.toString();
    }

    private static String scaleOut(ScaleOutFigures figures, long cacheTokensPerCell) {
        StringBuilder out = new StringBuilder();
        if (figures.event().addedCells() == 0) {
            out.append(format("%nControl run: no cells joined; moves are counted around turn %,d (%.0f%% of turns, "
                            + "%.0f s) as for a scale-out, to show what each policy moves without one.%n%n",
                    figures.eventTurn(), 100 * figures.event().atFraction(), figures.eventSeconds()));
        } else {
            out.append(format("%nScale-out: %d cold cell(s) joined at turn %,d (%.0f%% of turns, %.0f s): %d -> %d "
                            + "cells, total cache %,d -> %,d tokens; the ideal grew by the same capacity at the same "
                            + "turn. The table above covers the whole run (load max/mean over all %d cells).%n%n",
                    figures.event().addedCells(), figures.eventTurn(), 100 * figures.event().atFraction(),
                    figures.eventSeconds(), figures.cellsBefore(), figures.cellsAfter(),
                    figures.cellsBefore() * cacheTokensPerCell, figures.cellsAfter() * cacheTokensPerCell,
                    figures.cellsAfter()));
        }
        out.append(format("| policy | hit before | hit after | after, of ideal | hit next %,d turns | next, of ideal "
                + "| hit overall | sessions before | remapped at event | returned after | moved on return "
                + "| new cells' share after |%n", figures.justAfterTurns()));
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (ScaleOutSummary summary : figures.policies()) {
            var moves = summary.moves();
            String movesColumns = moves == null ? "| | | | |"
                    : format("| %,d | %s | %,d | %,d (%.1f%%) |", moves.existingSessions(),
                            moves.remapped() == ScaleOutMoves.NOT_APPLICABLE ? "n/a"
                                    : format("%,d (%.1f%%)", moves.remapped(),
                                            percent(moves.remapped(), moves.existingSessions())),
                            moves.returning(), moves.movedOnReturn(),
                            percent(moves.movedOnReturn(), moves.returning()));
            out.append(format("| %s | %.1f%% | %.1f%% | %.1f%% | %.1f%% | %.1f%% | %.1f%% %s %s |%n", summary.policy(),
                    100 * summary.hitBefore(), 100 * summary.hitAfter(), 100 * summary.hitAfterToIdeal(),
                    100 * summary.hitJustAfter(), 100 * summary.hitJustAfterToIdeal(), 100 * summary.hitOverall(),
                    movesColumns,
                    moves == null ? "" : format("%.1f%%", 100 * summary.newCellsShare())));
        }
        return out.toString();
    }

    private static double percent(int part, int whole) {
        return whole == 0 ? 0 : 100.0 * part / whole;
    }

    private static String triple(PolicySummary.Triple triple) {
        return format("%.0f / %.0f / %.0f", triple.p50(), triple.p95(), triple.p99());
    }

    private static String format(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }
}
