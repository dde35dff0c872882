package io.warmpath.bench.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warmpath.bench.workload.Turn;
import io.warmpath.bench.workload.Workload;
import io.warmpath.enginesim.engine.ModelProfile;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScaleOutReplayTest {

    private static final int SESSIONS = 12;
    private static final Fleet TWO_CELLS = new Fleet(2, 4_096, ModelProfile.KIMI_K2_5, 16, 256);
    /** After half the turns (all first turns), one cell joins: 2 -> 3. */
    private static final ScaleOut ONE_MORE_CELL = new ScaleOut(0.5, 1);

    /**
     * Twelve sessions of two turns each, never concurrent. First turns (t = 0..11 s) are three blocks of their own,
     * 48 tokens; second turns (t = 100..111 s) add a fourth block, 64 tokens. A second turn on its session's first
     * cell finds 48 tokens cached (the three blocks; the last token is always recomputed, so never all 64); elsewhere
     * none. So before the event nothing hits, and after it each session that stayed contributes 48 of 64 tokens.
     */
    private static final Workload TWO_TURN_SESSIONS = twoTurnSessions();

    private final OfflineReplay replay = new OfflineReplay(TWO_CELLS, OfflineReplay.Progress.NONE);

    @Test
    void eventFallsAfterTheGivenShareOfTurnsWithATurnOnEachSide() {
        assertThat(ONE_MORE_CELL.eventTurn(24)).isEqualTo(12);
        assertThat(new ScaleOut(0.01, 1).eventTurn(24)).isEqualTo(1);
        assertThat(new ScaleOut(0.99, 1).eventTurn(24)).isEqualTo(23);
        assertThatThrownBy(() -> new ScaleOut(1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ScaleOut(0.5, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void consistentHashMovesTheSessionsWhoseKeysTheNewCellTakesAndLosesTheirCache() {
        PolicyRun run = replay.run(TWO_TURN_SESSIONS, PolicyRouters.named("consistent-hash", TWO_CELLS, "t", 1.25),
                ONE_MORE_CELL);

        ScaleOutMoves moves = run.scaleOutMoves();
        assertThat(moves.existingSessions()).isEqualTo(SESSIONS);
        assertThat(moves.returning()).isEqualTo(SESSIONS);
        assertThat(moves.remapped()).isPositive().isLessThan(SESSIONS);
        // Nothing else moves these idle sessions, so every remapped one moves, and only to the new cell.
        assertThat(moves.movedOnReturn()).isEqualTo(moves.remapped());
        List<TurnOutcome> secondTurns = run.outcomes().subList(SESSIONS, 2 * SESSIONS);
        assertThat(secondTurns).filteredOn(outcome -> outcome.cell() == 2).hasSize(moves.remapped())
                .allSatisfy(moved -> assertThat(moved.cachedTokens()).isZero());
        assertThat(secondTurns).filteredOn(outcome -> outcome.cell() != 2)
                .allSatisfy(stayed -> assertThat(stayed.cachedTokens()).isEqualTo(48));
        assertThat(run.cells()).isEqualTo(3);
    }

    @Test
    void stickyKeepsEveryBoundSessionOnItsCellThroughTheEvent() {
        PolicyRun run = replay.run(TWO_TURN_SESSIONS, PolicyRouters.named("sticky", TWO_CELLS, "t", 1.25),
                ONE_MORE_CELL);

        assertThat(run.scaleOutMoves()).isEqualTo(new ScaleOutMoves(SESSIONS, 0, SESSIONS, 0));
        for (int session = 0; session < SESSIONS; session++) {
            TurnOutcome first = run.outcomes().get(session);
            TurnOutcome second = run.outcomes().get(SESSIONS + session);
            assertThat(second.cell()).isEqualTo(first.cell());
            assertThat(second.cachedTokens()).isEqualTo(48);
        }
    }

    @Test
    void newSessionsAfterTheEventReachTheNewCell() {
        List<Turn> turns = new ArrayList<>(TWO_TURN_SESSIONS.turns());
        for (int i = 0; i < 30; i++) {
            turns.add(new Turn(turns.size(), "late-" + i, "w", 200 + i, new long[] {1_000 + i}, 16, 16, 1));
        }
        Workload withLateSessions = new Workload("late", "t", turns);

        PolicyRun run = replay.run(withLateSessions, PolicyRouters.named("sticky", TWO_CELLS, "t", 1.25),
                new ScaleOut(0.3, 1));

        assertThat(run.outcomes()).anySatisfy(outcome -> assertThat(outcome.cell()).isEqualTo(2));
    }

    @Test
    void controlRunWithoutAddedCellsMovesNoIdleSession() {
        PolicyRun run = replay.run(TWO_TURN_SESSIONS, PolicyRouters.named("consistent-hash", TWO_CELLS, "t", 1.25),
                new ScaleOut(0.5, 0));

        assertThat(run.scaleOutMoves()).isEqualTo(new ScaleOutMoves(SESSIONS, 0, SESSIONS, 0));
        assertThat(run.cells()).isEqualTo(2);
    }

    @Test
    void roundRobinHasNoSessionHomeToRemap() {
        PolicyRun run = replay.run(TWO_TURN_SESSIONS, PolicyRouters.named("round-robin", TWO_CELLS, "t", 1.25),
                ONE_MORE_CELL);

        assertThat(run.scaleOutMoves().remapped()).isEqualTo(ScaleOutMoves.NOT_APPLICABLE);
        assertThat(run.scaleOutMoves().returning()).isEqualTo(SESSIONS);
    }

    @Test
    void grownIdealKeepsWhatItHeldBeforeTheEvent() {
        PolicyRun ideal = replay.runIdeal(TWO_TURN_SESSIONS, ONE_MORE_CELL);

        assertThat(ideal.scaleOutMoves()).isNull();
        // The new, larger engine received the old one's cache: every second turn finds its three blocks.
        assertThat(ideal.outcomes().subList(SESSIONS, 2 * SESSIONS))
                .allSatisfy(outcome -> assertThat(outcome.cachedTokens()).isEqualTo(48));
    }

    private static Workload twoTurnSessions() {
        List<Turn> turns = new ArrayList<>();
        for (int session = 0; session < SESSIONS; session++) {
            long base = 10L * session;
            turns.add(new Turn(session, "s" + session, "w", session,
                    new long[] {base + 1, base + 2, base + 3}, 16, 48, 1));
        }
        for (int session = 0; session < SESSIONS; session++) {
            long base = 10L * session;
            turns.add(new Turn(SESSIONS + session, "s" + session, "w", 100 + session,
                    new long[] {base + 1, base + 2, base + 3, base + 4}, 16, 64, 1));
        }
        return new Workload("two-turn sessions", "t", turns);
    }
}
