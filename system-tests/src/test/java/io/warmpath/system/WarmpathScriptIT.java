package io.warmpath.system;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator's entry point, {@code ./warmpath}: every command and bench subcommand answers {@code --help} on stdout
 * with exit 0 and starts nothing (a stack would take far longer than the time allowed here), and a command line it
 * does not understand is exit 2 with the command's usage on stderr.
 */
class WarmpathScriptIT {

    private static final Path ROOT = Path.of(System.getProperty("warmpath.root", "..")).toAbsolutePath().normalize();

    @ParameterizedTest
    @ValueSource(strings = {"up", "down", "status", "logs", "images", "token", "key", "keys", "demo", "bench",
            "bench replay", "bench online", "bench overhead", "bench engine-rate", "bench artifacts", "bench levers", "bench lanes"})
    void everyCommandAnswersHelpWithoutStartingAnything(String command) throws Exception {
        Result result = run(command + " --help");

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(result.out()).containsIgnoringCase("usage: ").contains(command.substring(command.indexOf(' ') + 1));
        assertThat(result.err()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"status extra", "down now", "up --fast", "bench", "bench bogus", "token --tenat acme",
            "bench replay --synthetic --celss 4"})
    void commandLineItDoesNotUnderstandIsAUsageError(String commandLine) throws Exception {
        Result result = run(commandLine);

        assertThat(result.exit()).as(result.toString()).isEqualTo(2);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).isNotBlank();
    }

    @Test
    void helpListsEveryCommand() throws Exception {
        Result result = run("help");

        assertThat(result.exit()).isZero();
        assertThat(result.out()).contains("./warmpath up", "./warmpath down", "./warmpath status", "./warmpath logs",
                "./warmpath token", "./warmpath demo", "./warmpath bench", "./warmpath images");
    }

    private static Result run(String commandLine) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ROOT.resolve("warmpath").toString()));
        command.addAll(Arrays.asList(commandLine.split(" ")));
        Process process = new ProcessBuilder(command).directory(ROOT.toFile()).start();
        process.getOutputStream().close();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError("./warmpath " + commandLine + " was still running after 30 s");
        }
        return new Result(commandLine, process.exitValue(), out.join(), err.join());
    }

    private static String read(InputStream stream) {
        try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record Result(String commandLine, int exit, String out, String err) {
    }
}
