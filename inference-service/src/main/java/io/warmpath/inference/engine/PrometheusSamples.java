package io.warmpath.inference.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The samples of a Prometheus text exposition (format 0.0.4), parsed just enough to read an engine's gauges and
 * counters. Comments, types and timestamps are ignored; a line that does not parse is skipped rather than failing the
 * whole scrape, because one odd metric must not blind the cell to its engine's load.
 */
record PrometheusSamples(List<Sample> samples) {

    record Sample(String name, Map<String, String> labels, double value) {
    }

    static PrometheusSamples parse(String text) {
        var samples = new ArrayList<Sample>();
        for (String line : text.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            Sample sample = parseLine(trimmed);
            if (sample != null) {
                samples.add(sample);
            }
        }
        return new PrometheusSamples(List.copyOf(samples));
    }

    /** Sum over all series of a metric (e.g. every {@code model_name}); empty when the metric is absent. */
    OptionalDouble sum(String name) {
        var values = samples.stream().filter(sample -> sample.name().equals(name)).mapToDouble(Sample::value).toArray();
        if (values.length == 0) {
            return OptionalDouble.empty();
        }
        double total = 0;
        for (double value : values) {
            total += value;
        }
        return OptionalDouble.of(total);
    }

    private static Sample parseLine(String line) {
        int nameEnd = 0;
        while (nameEnd < line.length() && line.charAt(nameEnd) != '{' && !Character.isWhitespace(line.charAt(nameEnd))) {
            nameEnd++;
        }
        String name = line.substring(0, nameEnd);
        var labels = new LinkedHashMap<String, String>();
        int position = nameEnd;
        if (position < line.length() && line.charAt(position) == '{') {
            position = parseLabels(line, position + 1, labels);
            if (position < 0) {
                return null;
            }
        }
        String[] rest = line.substring(position).strip().split("\\s+");
        if (name.isEmpty() || rest.length == 0 || rest[0].isEmpty()) {
            return null;
        }
        try {
            return new Sample(name, Map.copyOf(labels), parseValue(rest[0]));
        }
        catch (NumberFormatException notANumber) {
            return null;
        }
    }

    /** Reads {@code a="x",b="y"}} from just after the brace; returns the index after the closing brace, or -1. */
    private static int parseLabels(String line, int position, Map<String, String> labels) {
        while (position < line.length()) {
            char current = line.charAt(position);
            if (current == '}') {
                return position + 1;
            }
            if (current == ',' || Character.isWhitespace(current)) {
                position++;
                continue;
            }
            int equals = line.indexOf('=', position);
            if (equals < 0 || equals + 1 >= line.length() || line.charAt(equals + 1) != '"') {
                return -1;
            }
            String labelName = line.substring(position, equals).strip();
            var value = new StringBuilder();
            position = equals + 2;
            while (position < line.length() && line.charAt(position) != '"') {
                char character = line.charAt(position);
                if (character == '\\' && position + 1 < line.length()) {
                    char escaped = line.charAt(++position);
                    value.append(escaped == 'n' ? '\n' : escaped);
                }
                else {
                    value.append(character);
                }
                position++;
            }
            if (position >= line.length()) {
                return -1;
            }
            labels.put(labelName, value.toString());
            position++;
        }
        return -1;
    }

    private static double parseValue(String token) {
        return switch (token) {
            case "NaN" -> Double.NaN;
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(token);
        };
    }
}
