package io.warmpath.bench.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SyntheticAgentsTest {

    private static final SyntheticAgents.Shape SHAPE = SyntheticAgents.Shape.defaults(7).withSessions(20);

    @Test
    void sameSeedGivesTheSameWorkload() {
        Workload first = SyntheticAgents.generate(SHAPE);
        Workload second = SyntheticAgents.generate(SHAPE);

        assertThat(first.size()).isEqualTo(second.size());
        for (int i = 0; i < first.size(); i++) {
            assertThat(first.turns().get(i).sessionId()).isEqualTo(second.turns().get(i).sessionId());
            assertThat(first.turns().get(i).blockIds()).isEqualTo(second.turns().get(i).blockIds());
            assertThat(first.turns().get(i).arrivalSeconds()).isEqualTo(second.turns().get(i).arrivalSeconds());
        }
    }

    @Test
    void eachTurnResendsTheWholePreviousPromptAndGrows() {
        Map<String, List<Turn>> sessions = SyntheticAgents.generate(SHAPE).turns().stream()
                .collect(Collectors.groupingBy(Turn::sessionId));

        sessions.values().forEach(turns -> {
            assertThat(turns.size()).isBetween(SHAPE.minTurns(), SHAPE.maxTurns());
            for (int i = 1; i < turns.size(); i++) {
                Turn previous = turns.get(i - 1);
                Turn next = turns.get(i);
                assertThat(next.promptTokens()).isGreaterThan(previous.promptTokens() + previous.outputTokens() - 1);
                int fullBlocks = previous.promptTokens() / previous.blockSize();
                assertThat(Arrays.copyOf(next.blockIds(), fullBlocks))
                        .isEqualTo(Arrays.copyOf(previous.blockIds(), fullBlocks));
            }
        });
    }

    @Test
    void sessionsOfOneWorkflowShareItsSkeletonBlocksAndNothingAfter() {
        SyntheticAgents.Workflow only = new SyntheticAgents.Workflow("solo", 1, 160, 96, 40, 50, 20);
        Workload workload = SyntheticAgents.generate(new SyntheticAgents.Shape(1, 2, 1, 1, 1, 1, 0, List.of(only)));

        long[] first = workload.turns().get(0).blockIds();
        long[] second = workload.turns().get(1).blockIds();
        int skeletonBlocks = (160 + 96) / 16;
        assertThat(Arrays.copyOf(first, skeletonBlocks)).isEqualTo(Arrays.copyOf(second, skeletonBlocks));
        assertThat(first[skeletonBlocks]).isNotEqualTo(second[skeletonBlocks]);
        assertThat(workload.turns()).allSatisfy(turn -> assertThat(turn.workflow()).isEqualTo("solo"));
    }
}
