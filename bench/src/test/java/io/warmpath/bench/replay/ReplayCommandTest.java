package io.warmpath.bench.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ReplayCommandTest {

    @TempDir
    Path directory;

    @Test
    void defaultComparisonIncludesEveryPolicyRoutingCoreOffers() {
        assertThat(ReplayCommand.policies(null)).containsExactlyElementsOf(
                ReplayCommand.DEFAULT_POLICIES.stream().filter(PolicyRouters.available()::contains).toList());
        assertThat(ReplayCommand.policies(List.of("round-robin", " sticky"))).containsExactly("round-robin", "sticky");
    }

    @Test
    void smallSyntheticReplayPrintsTheTableAndWritesBothReports() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = replay(out, "--synthetic", "--sessions", "12", "--cells", "2", "--total-cache-tokens", "400000",
                "--policies", "round-robin,consistent-hash", "--out", directory.toString());

        assertThat(exit).isZero();

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
    void unknownPolicyIsAUsageErrorNamingTheKnownOnes() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CommandLine commandLine = commandLine(new ByteArrayOutputStream()).setErr(writer(err));

        assertThat(commandLine.execute("--synthetic", "--sessions", "2", "--policies", "random", "--out",
                directory.toString())).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown policies [random]", "round-robin");
        assertThat(directory).isEmptyDirectory();
    }

    @Test
    void scaleOutOptionAddsTheEventTableAndItsOwnReports() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        replay(out, "--synthetic", "--sessions", "12", "--cells", "2", "--total-cache-tokens", "400000",
                "--policies", "consistent-hash,sticky", "--scale-out-at", "0.5", "--out", directory.toString());

        assertThat(out.toString(StandardCharsets.UTF_8)).contains("2 -> 3 cells", "| hit before | hit after |");
        assertThat(directory.resolve("replay-synthetic-seed-42-sessions-12-scale-out.json")).exists();
    }

    @Test
    void scaleOutCellsWithoutAMomentIsRefused() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CommandLine commandLine = commandLine(new ByteArrayOutputStream()).setErr(writer(err));

        assertThat(commandLine.execute("--synthetic", "--sessions", "2", "--scale-out-cells", "2")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--scale-out-at");
    }

    @Test
    void aWorkloadMustBeNamedOnce() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CommandLine commandLine = commandLine(new ByteArrayOutputStream()).setErr(writer(err));

        assertThat(commandLine.execute("--out", directory.toString())).isEqualTo(2);
        assertThat(commandLine.execute("--synthetic", "--trace", "trace.jsonl")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("name one workload");
    }

    private int replay(ByteArrayOutputStream out, String... args) {
        return commandLine(out).execute(args);
    }

    private static CommandLine commandLine(ByteArrayOutputStream out) {
        return new CommandLine(new ReplayCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream())));
    }

    private static PrintWriter writer(ByteArrayOutputStream bytes) {
        return new PrintWriter(bytes, true, StandardCharsets.UTF_8);
    }
}
