package io.warmpath.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The properties {@code ./warmpath up} passes each service, read from the script: every {@code --name=} argument of
 * the command that starts the module (continued over lines ending in a backslash), with the script's arrays of
 * arguments expanded.
 */
final class WarmpathUp {

    private static final Pattern ARRAY = Pattern.compile("(?m)^([A-Z_]+)=\\((.*)\\)$");
    private static final Pattern PROPERTY = Pattern.compile("--([a-z0-9.\\-\\[\\]]+)=");

    private WarmpathUp() {
    }

    static List<String> properties(String module) throws IOException {
        String script = Files.readString(Chart.ROOT.resolve("warmpath"));
        String up = script.substring(script.indexOf("\nup() {"), script.indexOf("\n}\n", script.indexOf("\nup() {")));
        // The JVM's own options are not the application's properties.
        up = up.replace("\"${JVM_OPTS[@]}\"", "");
        Matcher array = ARRAY.matcher(script);
        while (array.find()) {
            up = up.replace("\"${" + array.group(1) + "[@]}\"", array.group(2));
        }
        List<String> properties = new ArrayList<>();
        String[] lines = up.split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (!startsModule(lines[i], module)) {
                continue;
            }
            for (int j = i; j < lines.length; j++) {
                Matcher property = PROPERTY.matcher(lines[j]);
                while (property.find()) {
                    properties.add(property.group(1));
                }
                if (!lines[j].stripTrailing().endsWith("\\")) {
                    break;
                }
            }
            return properties;
        }
        throw new AssertionError("./warmpath up starts no " + module);
    }

    private static boolean startsModule(String line, String module) {
        String trimmed = line.strip();
        return trimmed.startsWith("start ") && trimmed.contains(" " + module + " ")
                || trimmed.contains("\"$(jar_of " + module + ")\"");
    }
}
