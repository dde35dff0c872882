package io.warmpath.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.warmpath.bench.replay.PolicyRun;
import io.warmpath.bench.replay.TurnOutcome;
import io.warmpath.bench.workload.Turn;
import io.warmpath.bench.workload.Workload;
import io.warmpath.enginesim.engine.ModelProfile;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicySummaryTest {

    private static final Workload WORKLOAD = new Workload("two", "t", List.of(
            new Turn(0, "A", "w", 0, new long[625], 16, 10_000, 100),
            new Turn(1, "A", "w", 1, new long[125], 16, 2_000, 50)));

    /** Both turns on cell 0 of 2: 10,000 prompt (6,000 cached) + 100 out, then 2,000 prompt (cold) + 50 out. */
    private static final PolicyRun RUN = new PolicyRun("p", 2, List.of(
            new TurnOutcome(0, 0, 10_000, 6_000, 100, 0, 0.2, 4.0),
            new TurnOutcome(1, 0, 2_000, 0, 50, 1, 0.5, 2.0)), 0, 0.1);

    @Test
    void costPerThousandTurnsPricesEachTokenClass() {
        PolicySummary summary = PolicySummary.of(RUN, WORKLOAD, ModelProfile.KIMI_K2_5);

        // Kimi: $0.60 / M input, $0.10 / M cached, $3.00 / M output.
        // turn 1: 4,000 x 0.60 + 6,000 x 0.10 + 100 x 3.00 = $3,300 / M; turn 2: 2,000 x 0.60 + 50 x 3.00 = $1,350 / M.
        // (3,300 + 1,350) / 1e6 / 2 turns x 1,000 = $2.325 per 1,000 turns.
        assertThat(summary.costPer1000Turns()).isCloseTo(2.325, within(1e-12));
    }

    @Test
    void savingAndRatioToIdealCompareWithTheReferences() {
        PolicySummary summary = PolicySummary.of(RUN, WORKLOAD, ModelProfile.KIMI_K2_5).against(0.8, 3.1);

        assertThat(summary.hitRatio()).isEqualTo(0.5); // 6,000 of 12,000 prompt tokens
        assertThat(summary.hitRatioToIdeal()).isCloseTo(0.625, within(1e-12));
        assertThat(summary.savingVsRoundRobin()).isCloseTo(0.25, within(1e-12)); // 1 - 2.325 / 3.1
    }

    @Test
    void loadSpreadIsTheBusiestCellOverTheMean() {
        PolicySummary summary = PolicySummary.of(RUN, WORKLOAD, ModelProfile.KIMI_K2_5);

        assertThat(summary.loadSpread()).isEqualTo(2.0); // 2 turns on one cell, mean 1
        assertThat(summary.turnsPerCell()).containsExactly(2, 0);
    }

    @Test
    void latencyAndThroughputComeFromTheOutcomes() {
        PolicySummary summary = PolicySummary.of(RUN, WORKLOAD, ModelProfile.KIMI_K2_5);

        assertThat(summary.ttftMillis().p50()).isEqualTo(200);
        assertThat(summary.ttftMillis().p99()).isEqualTo(500);
        assertThat(summary.sessionTtftSpreadMillis().p50()).isEqualTo(300); // 500 - 200 within session A
        // Span: first arrival 0 to last finish max(0 + 4, 1 + 2) = 4 s.
        assertThat(summary.requestsPerSecond()).isEqualTo(0.5);
        assertThat(summary.outputTokensPerSecond()).isEqualTo(37.5);
    }
}
