package io.warmpath.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** The checks picocli leaves to the command: ranges and non-blank text, reported as usage errors (exit 2). */
final class OptionChecks {

    private OptionChecks() {
    }

    static long within(CommandSpec spec, String option, long value, long min, long max) {
        if (value < min || value > max) {
            throw new ParameterException(spec.commandLine(), option + " must be between " + min + " and " + max);
        }
        return value;
    }

    static String nonBlank(CommandSpec spec, String option, String value) {
        if (value.isBlank()) {
            throw new ParameterException(spec.commandLine(), option + " needs a non-blank value");
        }
        return value;
    }
}
