package io.warmpath.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BenchTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Bench.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void everyCommandAnswersHelpOnStdoutWithoutRunning() {
        for (String command : Bench.commandLine(System.out, System.err).getSubcommands().keySet()) {
            out.reset();
            assertThat(run(command, "--help")).as(command).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).as(command).contains("Usage: bench " + command);
        }
        out.reset();
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("replay", "online", "overhead", "engine-rate", "levers", "lanes");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void badCommandLinesAreUsageErrorsOnStderr() {
        assertThat(run()).isEqualTo(2);
        assertThat(run("replay", "--synthetic", "--celss", "4")).isEqualTo(2);
        assertThat(run("online", "--synthetic")).isEqualTo(2);
        assertThat(run("replay", "--synthetic", "--format", "csv")).isEqualTo(2);

        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("name a command", "Possible solutions: --cells",
                "Missing required options: '--gateway=URL', '--token=JWT'", "--format");
    }

    @Test
    void unreadableTraceFailsWithOneLine() {
        assertThat(run("replay", "--trace", "no-such-trace.jsonl")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot read trace no-such-trace.jsonl");
    }
}
