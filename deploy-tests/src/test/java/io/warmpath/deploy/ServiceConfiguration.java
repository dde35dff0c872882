package io.warmpath.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;

/**
 * What a service's own {@code application.yml} says: the one source of truth the chart and docker-compose.yml must
 * agree with.
 */
record ServiceConfiguration(String module, int port, int managementPort) {

    static ServiceConfiguration of(String module) {
        Map<String, Object> yaml = read(module);
        return new ServiceConfiguration(module, intAt(yaml, "server", "port"),
                intAt(yaml, "management", "server", "port"));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> read(String module) {
        try {
            return (Map<String, Object>) Chart.yaml().load(Files.readString(
                    Chart.ROOT.resolve(module).resolve("src/main/resources/application.yml")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static int intAt(Map<String, Object> yaml, String... path) {
        Object node = yaml;
        for (String key : path) {
            node = ((Map<String, Object>) node).get(key);
        }
        if (node instanceof Integer value) {
            return value;
        }
        throw new AssertionError("no port at " + String.join(".", path) + ": " + node);
    }
}
