package io.warmpath.system;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import java.util.regex.Pattern;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What ships: the runnable jar of every service holds no Redis server binary, directly or inside a nested library.
 * Local runs and tests get theirs from the development-only {@code dev-redis} module.
 */
class ProductionJarsIT {

    private static final Pattern REDIS_BINARY = Pattern.compile("(?i)(^|/)redis-(server|sentinel|cli)[^/]*$");

    @ParameterizedTest
    @ValueSource(strings = {"gateway-service", "session-service", "policy-service", "artifact-service",
            "inference-service", "engine-sim"})
    void serviceJarCarriesNoRedisBinary(String module) throws IOException {
        List<String> found = new ArrayList<>();
        try (JarFile jar = new JarFile(ServiceProcess.runnableJar(module).toFile())) {
            for (JarEntry entry : jar.stream().toList()) {
                if (REDIS_BINARY.matcher(entry.getName()).find() || entry.getName().contains("embedded-redis")) {
                    found.add(entry.getName());
                } else if (entry.getName().endsWith(".jar")) {
                    try (InputStream in = jar.getInputStream(entry); JarInputStream nested = new JarInputStream(in)) {
                        for (JarEntry inner; (inner = nested.getNextJarEntry()) != null; ) {
                            if (REDIS_BINARY.matcher(inner.getName()).find()) {
                                found.add(entry.getName() + "!/" + inner.getName());
                            }
                        }
                    }
                }
            }
        }
        assertThat(found).as("Redis binaries in %s", module).isEmpty();
    }
}
