package io.warmpath.bench.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MooncakeTraceTest {

    @TempDir
    Path directory;

    @Test
    void requestSharingTwoOrMoreBlocksContinuesTheSessionOfItsLongestMatch() throws IOException {
        Workload workload = MooncakeTrace.read(trace("""
                {"timestamp": 0, "input_length": 1200, "output_length": 10, "hash_ids": [0, 1, 2]}
                {"timestamp": 1000, "input_length": 1700, "output_length": 10, "hash_ids": [0, 1, 2, 3]}
                {"timestamp": 2000, "input_length": 1500, "output_length": 10, "hash_ids": [0, 5, 6]}
                {"timestamp": 3000, "input_length": 2500, "output_length": 10, "hash_ids": [0, 5, 6, 7, 8]}
                {"timestamp": 4000, "input_length": 1100, "output_length": 10, "hash_ids": [0, 1, 9]}
                {"timestamp": 5000, "input_length": 300, "output_length": 0, "hash_ids": [0]}
                """));

        // [0,1,2] starts s0; [0,1,2,3] shares 3 blocks with it; [0,5,6] shares only the system block 0: new s1;
        // [0,5,6,7,8] shares 3 with s1; [0,1,9] shares [0,1] (two blocks) with s0; [0] shares one block: new s2.
        assertThat(workload.turns()).extracting(Turn::sessionId)
                .containsExactly("mc-0", "mc-0", "mc-1", "mc-1", "mc-0", "mc-2");
        assertThat(workload.sessions()).isEqualTo(3);
        assertThat(workload.turns().get(1).arrivalSeconds()).isEqualTo(1.0);
        assertThat(workload.turns().get(5).outputTokens()).isEqualTo(1);
    }

    @Test
    void unboundedCeilingCountsBlocksWhoseWholePrefixWasSeenBefore() throws IOException {
        Workload workload = MooncakeTrace.read(trace("""
                {"timestamp": 0, "input_length": 1200, "output_length": 10, "hash_ids": [0, 1, 2]}
                {"timestamp": 1, "input_length": 1700, "output_length": 10, "hash_ids": [0, 1, 2, 3]}
                {"timestamp": 2, "input_length": 1500, "output_length": 10, "hash_ids": [0, 5, 6]}
                {"timestamp": 3, "input_length": 1500, "output_length": 10, "hash_ids": [0, 6, 5]}
                """));

        // hits: 0 + 3 + 1 ([0]) + 1 ([0]; [0,6] is new even though 6 was seen) over 3 + 4 + 3 + 3 blocks
        assertThat(workload.unboundedBlockHitRatio()).isEqualTo(5.0 / 13);
    }

    @Test
    void linesOutOfOrderAreReplayedByTimestamp() throws IOException {
        Workload workload = MooncakeTrace.read(trace("""
                {"timestamp": 3000, "input_length": 600, "output_length": 10, "hash_ids": [0, 1]}
                {"timestamp": 1000, "input_length": 600, "output_length": 10, "hash_ids": [0, 2]}
                """));

        assertThat(workload.turns()).extracting(Turn::arrivalSeconds).containsExactly(1.0, 3.0);
        assertThat(workload.turns()).extracting(Turn::index).containsExactly(0, 1);
    }

    @Test
    void promptLongerThanItsBlocksIsCappedAtWhatTheyHold() throws IOException {
        Workload workload = MooncakeTrace.read(trace("""
                {"timestamp": 0, "input_length": 2000, "output_length": 10, "hash_ids": [0, 1]}
                """));

        assertThat(workload.turns().getFirst().promptTokens()).isEqualTo(1024);
    }

    @Test
    void lineWithoutHashIdsIsRejectedWithItsNumber() throws IOException {
        Path file = trace("""
                {"timestamp": 0, "input_length": 600, "output_length": 10, "hash_ids": [0, 1]}
                {"timestamp": 1, "input_length": 600, "output_length": 10}
                """);

        assertThatThrownBy(() -> MooncakeTrace.read(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("record 2").hasMessageContaining("hash_ids");
    }

    private Path trace(String lines) throws IOException {
        return Files.writeString(directory.resolve("trace.jsonl"), lines);
    }
}
