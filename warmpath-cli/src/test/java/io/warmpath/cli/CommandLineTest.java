package io.warmpath.cli;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommandLineTest {

    private static final Set<String> OPTIONS = Set.of("--dir", "--ttl", "--scopes");

    @Test
    void readsSeparateAndInlineValues() throws Exception {
        CommandLine commandLine = CommandLine.parse(List.of("--dir", "keys", "--scopes=a b"), OPTIONS);

        assertThat(commandLine.text("--dir", "x")).isEqualTo("keys");
        assertThat(commandLine.words("--scopes", List.of())).containsExactly("a", "b");
        assertThat(commandLine.helpRequested()).isFalse();
    }

    @Test
    void acceptsANegativeNumberAsAValue() throws Exception {
        CommandLine commandLine = CommandLine.parse(List.of("--ttl", "-60"), OPTIONS);

        assertThat(commandLine.integer("--ttl", 3600, -1000, 1000)).isEqualTo(-60);
    }

    @Test
    void fallsBackToDefaultsForAbsentOptions() throws Exception {
        CommandLine commandLine = CommandLine.parse(List.of(), OPTIONS);

        assertThat(commandLine.text("--dir", ".warmpath")).isEqualTo(".warmpath");
        assertThat(commandLine.integer("--ttl", 3600, 0, 7200)).isEqualTo(3600);
        assertThat(commandLine.words("--scopes", List.of("inference:invoke"))).containsExactly("inference:invoke");
    }

    @Test
    void emptyWordListMeansNone() throws Exception {
        assertThat(CommandLine.parse(List.of("--scopes", ""), OPTIONS).words("--scopes", List.of("x"))).isEmpty();
    }

    @Test
    void recognisesHelp() throws Exception {
        assertThat(CommandLine.parse(List.of("--dir", "d", "--help"), OPTIONS).helpRequested()).isTrue();
    }

    @Test
    void rejectsUnknownOptions() {
        assertThatThrownBy(() -> CommandLine.parse(List.of("--tenat", "acme"), OPTIONS))
                .isInstanceOf(UsageException.class).hasMessage("unknown option --tenat");
    }

    @Test
    void rejectsAnOptionWithoutItsValue() {
        assertThatThrownBy(() -> CommandLine.parse(List.of("--dir"), OPTIONS))
                .isInstanceOf(UsageException.class).hasMessageContaining("--dir needs a value");
        assertThatThrownBy(() -> CommandLine.parse(List.of("--dir", "--ttl", "5"), OPTIONS))
                .isInstanceOf(UsageException.class).hasMessageContaining("--dir needs a value");
    }

    @Test
    void rejectsRepeatedOptionsAndStrayArguments() {
        assertThatThrownBy(() -> CommandLine.parse(List.of("--dir", "a", "--dir", "b"), OPTIONS))
                .isInstanceOf(UsageException.class).hasMessageContaining("given twice");
        assertThatThrownBy(() -> CommandLine.parse(List.of("stray"), OPTIONS))
                .isInstanceOf(UsageException.class).hasMessageContaining("unexpected argument 'stray'");
    }

    @Test
    void rejectsNumbersThatAreNotNumbersOrOutOfRange() throws Exception {
        CommandLine notANumber = CommandLine.parse(List.of("--ttl", "soon"), OPTIONS);
        CommandLine tooBig = CommandLine.parse(List.of("--ttl", "99999"), OPTIONS);

        assertThatThrownBy(() -> notANumber.integer("--ttl", 1, 0, 100))
                .isInstanceOf(UsageException.class).hasMessageContaining("whole number");
        assertThatThrownBy(() -> tooBig.integer("--ttl", 1, 0, 100))
                .isInstanceOf(UsageException.class).hasMessageContaining("between 0 and 100");
    }

    @Test
    void rejectsBlankTextValues() throws Exception {
        CommandLine commandLine = CommandLine.parse(List.of("--dir", " "), OPTIONS);

        assertThatThrownBy(() -> commandLine.text("--dir", ".warmpath")).isInstanceOf(UsageException.class);
    }
}
