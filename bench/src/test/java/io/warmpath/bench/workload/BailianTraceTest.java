package io.warmpath.bench.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BailianTraceTest {

    @TempDir
    Path directory;

    @Test
    void turnsFollowTheirParentChainToTheRootChatsSession() throws IOException {
        Path file = Files.writeString(directory.resolve("bailian.jsonl"), """
                {"chat_id": 1, "parent_chat_id": -1, "timestamp": 0.5, "input_length": 40, "output_length": 5, "type": "text", "turn": 1, "hash_ids": [10, 11, 12]}
                {"chat_id": 4, "parent_chat_id": -1, "timestamp": 1.0, "input_length": 20, "output_length": 5, "type": "search", "turn": 1, "hash_ids": [20, 21]}
                {"chat_id": 2, "parent_chat_id": 1, "timestamp": 2.0, "input_length": 60, "output_length": 5, "type": "text", "turn": 2, "hash_ids": [10, 11, 12, 13]}
                {"chat_id": 3, "parent_chat_id": 2, "timestamp": 3.0, "input_length": 70, "output_length": 5, "type": "text", "turn": 3, "hash_ids": [10, 11, 12, 13, 14]}
                """);

        Workload workload = BailianTrace.read(file);

        assertThat(workload.turns()).extracting(Turn::sessionId)
                .containsExactly("chat-1", "chat-4", "chat-1", "chat-1");
        assertThat(workload.turns()).extracting(Turn::workflow).containsExactly("text", "search", "text", "text");
        assertThat(workload.turns()).allSatisfy(turn -> assertThat(turn.blockSize()).isEqualTo(16));
        assertThat(workload.turns().get(3).promptTokens()).isEqualTo(70);
    }
}
