package io.warmpath.bench.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.warmpath.bench.replay.PolicyRun;
import io.warmpath.bench.replay.TurnOutcome;
import io.warmpath.bench.workload.Turn;
import io.warmpath.bench.workload.Workload;
import io.warmpath.enginesim.engine.ModelProfile;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkflowProfileTest {

    @Test
    void profileSplitsTokenClassesAndGrowthPerWorkflow() {
        Workload workload = new Workload("w", "t", List.of(
                new Turn(0, "A", "coding", 0, new long[7], 16, 100, 10),
                new Turn(1, "B", "support", 1, new long[4], 16, 50, 5),
                new Turn(2, "A", "coding", 2, new long[10], 16, 150, 10),
                new Turn(3, "A", "coding", 3, new long[16], 16, 250, 10)));
        PolicyRun run = new PolicyRun("p", 1, List.of(
                new TurnOutcome(0, 0, 100, 0, 10, 0, 0.1, 1),
                new TurnOutcome(1, 0, 50, 0, 5, 1, 0.1, 1),
                new TurnOutcome(2, 0, 150, 96, 10, 2, 0.1, 1),
                new TurnOutcome(3, 0, 250, 144, 10, 3, 0.1, 1)), 0, 0);

        List<WorkflowProfile> profiles = WorkflowProfile.of(workload, run, ModelProfile.KIMI_K2_5);

        assertThat(profiles).extracting(WorkflowProfile::workflow).containsExactly("coding", "support");
        WorkflowProfile coding = profiles.getFirst();
        assertThat(coding.sessions()).isEqualTo(1);
        assertThat(coding.turns()).isEqualTo(3);
        assertThat(coding.meanGrowthPerTurn()).isEqualTo(75); // (150 - 100 + 250 - 150) / 2
        assertThat(coding.meanCachedPrompt()).isEqualTo(80); // (0 + 96 + 144) / 3
        assertThat(coding.meanUncachedPrompt()).isEqualTo(260.0 / 3); // (100 + 54 + 106) / 3
        // (260 x 0.60 + 240 x 0.10 + 30 x 3.00) / 1e6 = $270 / M for the one session
        assertThat(coding.costPerSession().mean()).isCloseTo(270e-6, within(1e-15));
        assertThat(coding.byTurn()).extracting(WorkflowProfile.TurnRow::turnNumber).containsExactly(1, 2, 3);
        assertThat(coding.byTurn().get(2).meanCachedPrompt()).isEqualTo(144);
    }
}
