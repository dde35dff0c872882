package io.warmpath.cli;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The options of one command: {@code --name value} or {@code --name=value} pairs from a fixed set, plus
 * {@code --help}. Values may start with a single dash (so {@code --ttl -60} works); a value starting with
 * {@code --} is taken as a missing value.
 */
final class CommandLine {

    static final String HELP = "--help";

    private final Map<String, String> values;
    private final boolean help;

    private CommandLine(Map<String, String> values, boolean help) {
        this.values = values;
        this.help = help;
    }

    /** Parses {@code args} against the allowed option names (each with its leading dashes, e.g. {@code --dir}). */
    static CommandLine parse(List<String> args, Set<String> allowedOptions) throws UsageException {
        Map<String, String> values = new HashMap<>();
        boolean help = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals(HELP) || arg.equals("-h")) {
                help = true;
                continue;
            }
            if (!arg.startsWith("--")) {
                throw new UsageException("unexpected argument '" + arg + "'");
            }
            int equals = arg.indexOf('=');
            String name = equals < 0 ? arg : arg.substring(0, equals);
            if (!allowedOptions.contains(name)) {
                throw new UsageException("unknown option " + name);
            }
            String value;
            if (equals >= 0) {
                value = arg.substring(equals + 1);
            } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
                value = args.get(++i);
            } else {
                throw new UsageException("option " + name + " needs a value");
            }
            if (values.put(name, value) != null) {
                throw new UsageException("option " + name + " given twice");
            }
        }
        return new CommandLine(Map.copyOf(values), help);
    }

    boolean helpRequested() {
        return help;
    }

    Optional<String> value(String name) {
        return Optional.ofNullable(values.get(name));
    }

    String text(String name, String fallback) throws UsageException {
        String value = values.getOrDefault(name, fallback);
        if (value != null && value.isBlank()) {
            throw new UsageException("option " + name + " needs a non-blank value");
        }
        return value;
    }

    String required(String name) throws UsageException {
        String value = text(name, null);
        if (value == null) {
            throw new UsageException("option " + name + " is required");
        }
        return value;
    }

    long integer(String name, long fallback, long min, long max) throws UsageException {
        String value = values.get(name);
        if (value == null) {
            return fallback;
        }
        long parsed;
        try {
            parsed = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("option " + name + " needs a whole number, not '" + value + "'");
        }
        if (parsed < min || parsed > max) {
            throw new UsageException("option " + name + " must be between " + min + " and " + max);
        }
        return parsed;
    }

    /** A space-separated list; an empty value gives an empty list. */
    List<String> words(String name, List<String> fallback) {
        String value = values.get(name);
        if (value == null) {
            return fallback;
        }
        return Arrays.stream(value.trim().split("\\s+")).filter(word -> !word.isEmpty()).toList();
    }
}
