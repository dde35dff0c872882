package io.warmpath.bench.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.warmpath.bench.report.PolicySummary;
import io.warmpath.bench.workload.Turn;
import io.warmpath.bench.workload.Workload;
import io.warmpath.enginesim.engine.ModelProfile;
import java.util.List;
import org.junit.jupiter.api.Test;

class OfflineReplayTest {

    /** Two cells of 1,024 tokens each, Kimi's speeds (6,000 prompt tokens/s per cell, 50 ms overhead). */
    private static final Fleet FLEET = new Fleet(2, 1_024, ModelProfile.KIMI_K2_5, 16, 256);

    /**
     * Three turns 100 s apart (never concurrent), 16-token blocks like the engine's:
     * A1 = [1,2,3] (48 tokens), B1 = [1,2,4] (48), A2 = [1,2,3,5] (64).
     */
    private static final Workload WORKLOAD = new Workload("tiny", "t", List.of(
            new Turn(0, "A", "w", 0, new long[] {1, 2, 3}, 16, 48, 1),
            new Turn(1, "B", "w", 100, new long[] {1, 2, 4}, 16, 48, 1),
            new Turn(2, "A", "w", 200, new long[] {1, 2, 3, 5}, 16, 64, 1)));

    private final OfflineReplay replay = new OfflineReplay(FLEET, OfflineReplay.Progress.NONE);

    @Test
    void idealServesEverySharedFullBlockFromItsOneCache() {
        PolicyRun ideal = replay.runIdeal(WORKLOAD);

        // A1 cold: 0. B1 shares blocks 1,2: 32. A2 shares 1,2,3 = 48 (its last block is recomputed anyway).
        assertThat(ideal.outcomes()).extracting(TurnOutcome::cachedTokens).containsExactly(0, 32, 48);
        assertThat(summary(ideal).hitRatio()).isEqualTo(80.0 / 160);
    }

    @Test
    void idealPoolsEveryCellsPrefillRate() {
        PolicyRun ideal = replay.runIdeal(WORKLOAD);

        // 48 cold tokens at 2 x 6,000 tokens/s = 4 ms, plus the 50 ms overhead.
        assertThat(ideal.outcomes().getFirst().ttftSeconds()).isCloseTo(0.054, within(1e-9));
    }

    @Test
    void roundRobinSplitsTheSessionAndLosesWhatTheOtherCellHolds() {
        PolicyRun roundRobin = replay.run(WORKLOAD, PolicyRouters.named("round-robin", FLEET, "t", 1.25));

        // A1 -> cell 0, B1 -> cell 1 (cold there), A2 -> cell 0 again (holds A1's three blocks).
        assertThat(roundRobin.outcomes()).extracting(TurnOutcome::cell).containsExactly(0, 1, 0);
        assertThat(roundRobin.outcomes()).extracting(TurnOutcome::cachedTokens).containsExactly(0, 0, 48);
        assertThat(summary(roundRobin).hitRatio()).isEqualTo(48.0 / 160);
        // 48 cold tokens at one cell's 6,000 tokens/s = 8 ms, plus 50 ms.
        assertThat(roundRobin.outcomes().getFirst().ttftSeconds()).isCloseTo(0.058, within(1e-9));
    }

    @Test
    void stickyBringsASessionBackToItsBoundCell() {
        PolicyRun sticky = replay.run(WORKLOAD, PolicyRouters.named("sticky", FLEET, "t", 1.25));

        TurnOutcome firstOfA = sticky.outcomes().get(0);
        TurnOutcome secondOfA = sticky.outcomes().get(2);
        assertThat(secondOfA.cell()).isEqualTo(firstOfA.cell());
        assertThat(secondOfA.cachedTokens()).isEqualTo(48);
    }

    @Test
    void smallCellCacheEvictsWhatTheIdealsPooledCacheKeeps() {
        // Two 8-block sessions alternate on one 8-block cell: each evicts the other. The ideal holds 16 blocks.
        Fleet tight = new Fleet(2, 128, ModelProfile.KIMI_K2_5, 16, 256);
        Workload alternating = new Workload("alternating", "t", List.of(
                new Turn(0, "A", "w", 0, new long[] {1, 2, 3, 4, 5, 6, 7, 8}, 16, 128, 1),
                new Turn(1, "B", "w", 10, new long[] {9, 10, 11, 12, 13, 14, 15, 16}, 16, 128, 1),
                new Turn(2, "A", "w", 20, new long[] {1, 2, 3, 4, 5, 6, 7, 8}, 16, 128, 1)));
        OfflineReplay tightReplay = new OfflineReplay(tight, OfflineReplay.Progress.NONE);
        CellRouter everythingOnCellZero = new CellRouter() {
            @Override
            public String name() {
                return "cell-0";
            }

            @Override
            public int route(Turn turn, io.warmpath.routing.LoadView load) {
                return 0;
            }
        };

        PolicyRun crowded = tightReplay.run(alternating, everythingOnCellZero);
        PolicyRun ideal = tightReplay.runIdeal(alternating);

        assertThat(crowded.outcomes().get(2).cachedTokens()).isZero();
        assertThat(ideal.outcomes().get(2).cachedTokens()).isEqualTo(112); // 7 of 8 blocks; the last is recomputed
    }

    private static PolicySummary summary(PolicyRun run) {
        return PolicySummary.of(run, WORKLOAD, ModelProfile.KIMI_K2_5);
    }
}
