package io.warmpath.bench.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayCommandTest {

    @TempDir
    Path directory;

    @Test
    void defaultComparisonIncludesEveryPolicyRoutingCoreOffers() {
        assertThat(ReplayCommand.policies(null)).containsExactlyElementsOf(
                ReplayCommand.DEFAULT_POLICIES.stream().filter(PolicyRouters.available()::contains).toList());
        assertThat(ReplayCommand.policies("round-robin, sticky")).containsExactly("round-robin", "sticky");
    }

    @Test
    void smallSyntheticReplayPrintsTheTableAndWritesBothReports() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new ReplayCommand(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()))
                .run(Map.of("synthetic", "true", "sessions", "12", "cells", "2", "total-cache-tokens", "400000",
                        "policies", "round-robin,consistent-hash", "out", directory.toString()));

        String table = out.toString(StandardCharsets.UTF_8);
        assertThat(table).contains("| round-robin |", "| consistent-hash |", "| ideal |", "coding-agent");
        try (var files = Files.list(directory)) {
            assertThat(files.map(path -> path.getFileName().toString()))
                    .containsExactlyInAnyOrder("replay-synthetic-seed-42-sessions-12.json",
                            "replay-synthetic-seed-42-sessions-12.html");
        }
        String html = Files.readString(directory.resolve("replay-synthetic-seed-42-sessions-12.html"));
        assertThat(html).contains("<svg", "Time to first token, CDF").doesNotContain("<script");
    }

    @Test
    void unknownPolicyIsRefusedWithTheKnownOnes() {
        assertThatThrownBy(() -> new ReplayCommand(System.out, System.err)
                .run(Map.of("synthetic", "true", "sessions", "2", "policies", "random", "out", directory.toString())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("round-robin");
    }

    @Test
    void scaleOutOptionAddsTheEventTableAndItsOwnReports() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new ReplayCommand(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()))
                .run(Map.of("synthetic", "true", "sessions", "12", "cells", "2", "total-cache-tokens", "400000",
                        "policies", "consistent-hash,sticky", "scale-out-at", "0.5", "out", directory.toString()));

        assertThat(out.toString(StandardCharsets.UTF_8)).contains("2 -> 3 cells", "| hit before | hit after |");
        assertThat(directory.resolve("replay-synthetic-seed-42-sessions-12-scale-out.json")).exists();
    }

    @Test
    void scaleOutCellsWithoutAMomentIsRefused() {
        assertThatThrownBy(() -> ReplayCommand.scaleOut(Map.of("scale-out-cells", "2")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--scale-out-at");
    }
}
