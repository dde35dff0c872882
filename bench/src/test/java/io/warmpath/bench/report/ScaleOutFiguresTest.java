package io.warmpath.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.warmpath.bench.replay.Fleet;
import io.warmpath.bench.replay.PolicyRun;
import io.warmpath.bench.replay.ScaleOut;
import io.warmpath.bench.replay.ScaleOutMoves;
import io.warmpath.bench.replay.TurnOutcome;
import io.warmpath.bench.workload.Turn;
import io.warmpath.bench.workload.Workload;
import io.warmpath.enginesim.engine.ModelProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Test;

class ScaleOutFiguresTest {

    /** Twenty turns of 100 prompt tokens, one per second; the event at half: turns 10..19 come after it. */
    private static final Workload TWENTY_TURNS = twentyTurns();
    private static final ScaleOut AT_HALF = new ScaleOut(0.5, 1);

    @Test
    void hitRatiosAreSplitAtTheEventAndTheFirstTenthAfterItIsShownApart() {
        // Before: 60 of 100 cached on every turn. After: turns 10 and 11 (a tenth of 20) cold on the new cell 2,
        // the other eight 80 of 100 on old cells.
        PolicyRun run = new PolicyRun("p", 3, outcomes(turn -> turn < 10 ? 60 : turn < 12 ? 0 : 80,
                turn -> turn >= 10 && turn < 12 ? 2 : turn % 2), 0, 0, new ScaleOutMoves(5, 2, 4, 2));
        PolicyRun ideal = new PolicyRun("ideal", 1, outcomes(turn -> turn < 10 ? 60 : 90, turn -> 0), 0, 0, null);

        ScaleOutFigures figures = ScaleOutFigures.of(AT_HALF, 2, TWENTY_TURNS, List.of(run, ideal));

        assertThat(figures.eventTurn()).isEqualTo(10);
        assertThat(figures.eventSeconds()).isEqualTo(10);
        assertThat(figures.justAfterTurns()).isEqualTo(2);
        assertThat(figures.cellsAfter()).isEqualTo(3);
        ScaleOutSummary policy = figures.policies().getFirst();
        assertThat(policy.hitBefore()).isEqualTo(0.6);
        assertThat(policy.hitAfter()).isCloseTo(0.64, within(1e-12)); // 8 x 80 / 1,000
        assertThat(policy.hitJustAfter()).isZero();
        assertThat(policy.hitOverall()).isCloseTo(0.62, within(1e-12)); // (600 + 640) / 2,000
        assertThat(policy.hitAfterToIdeal()).isCloseTo(0.64 / 0.9, within(1e-12));
        assertThat(policy.hitJustAfterToIdeal()).isZero();
        assertThat(policy.newCellsShare()).isEqualTo(0.2); // 2 of the 10 turns after the event
        assertThat(policy.moves()).isEqualTo(new ScaleOutMoves(5, 2, 4, 2));
        assertThat(figures.policies().getLast().hitAfterToIdeal()).isEqualTo(1);
        assertThat(figures.policies().getLast().hitJustAfterToIdeal()).isEqualTo(1);
    }

    @Test
    void markdownShowsTheEventAndMarksRemappingAsNotApplicableForRoundRobin() {
        PolicyRun roundRobin = new PolicyRun("round-robin", 3, outcomes(turn -> 0, turn -> turn % 3), 0, 0,
                new ScaleOutMoves(10, ScaleOutMoves.NOT_APPLICABLE, 10, 7));
        PolicyRun ideal = new PolicyRun("ideal", 1, outcomes(turn -> 50, turn -> 0), 0, 0, null);

        Fleet twoCells = new Fleet(2, 1_024, ModelProfile.KIMI_K2_5, 16, 256);

        String markdown = MarkdownReport.render(Comparison.of(TWENTY_TURNS, "session", twoCells,
                List.of(roundRobin, ideal), "round-robin", AT_HALF));

        assertThat(markdown).contains("2 -> 3 cells, total cache 2,048 -> 3,072 tokens")
                .contains("| round-robin | 0.0% | 0.0% | 0.0% | 0.0% | 0.0% | 0.0% | 10 | n/a | 10 | 7 (70.0%) |");
    }

    private static List<TurnOutcome> outcomes(IntUnaryOperator cached, IntUnaryOperator cell) {
        List<TurnOutcome> outcomes = new ArrayList<>();
        for (int turn = 0; turn < 20; turn++) {
            outcomes.add(new TurnOutcome(turn, cell.applyAsInt(turn), 100, cached.applyAsInt(turn), 1, turn, 0.1, 0.2));
        }
        return outcomes;
    }

    private static Workload twentyTurns() {
        List<Turn> turns = new ArrayList<>();
        for (int turn = 0; turn < 20; turn++) {
            turns.add(new Turn(turn, "s" + turn, "w", turn, new long[7], 16, 100, 1));
        }
        return new Workload("twenty", "t", turns);
    }
}
