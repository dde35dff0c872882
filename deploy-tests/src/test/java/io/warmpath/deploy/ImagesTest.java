package io.warmpath.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Dockerfile, checked where no Docker engine runs: its layer step works on every service's runnable jar, and
 * the image it describes is what the chart expects (a JRE 21, a non-root uid the pods run as, the launcher).
 */
class ImagesTest {

    private static final Path DOCKERFILE = Chart.ROOT.resolve("Dockerfile");

    @ParameterizedTest
    @ValueSource(strings = {"gateway-service", "session-service", "policy-service", "artifact-service",
            "inference-service", "engine-sim"})
    void theDockerfilesLayerStepSplitsEachServiceJarIntoSpringBootsLayers(String module, @TempDir Path extracted)
            throws IOException, InterruptedException {
        Path jar = Chart.ROOT.resolve(module).resolve("target").resolve(module + "-" + version() + "-exec.jar");
        assertThat(jar).as("the runnable jar (./mvnw package builds it before these tests)").isRegularFile();

        // The same command as the Dockerfile's RUN line, with this JVM.
        Process extract = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djarmode=tools", "-jar", jar.toString(), "extract", "--layers", "--launcher", "--destination",
                extracted.toString()).redirectErrorStream(true).start();
        String output = new String(extract.getInputStream().readAllBytes());
        assertThat(extract.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(extract.exitValue()).as(output).isZero();

        assertThat(extracted.resolve("spring-boot-loader/org/springframework/boot/loader/launch/JarLauncher.class"))
                .isRegularFile();
        assertThat(extracted.resolve("dependencies/BOOT-INF/lib")).isDirectory();
        assertThat(extracted.resolve("application/BOOT-INF/classes/io/warmpath")).isDirectory();
        try (var libs = Files.list(extracted.resolve("application/BOOT-INF/lib"))) {
            assertThat(libs.map(lib -> lib.getFileName().toString()))
                    .as("only the project's own snapshot modules change with each build").allMatch(name ->
                            List.of("contracts", "assertion", "redaction", "routing-core", "policy-client")
                                    .stream().anyMatch(name::startsWith));
        } catch (java.nio.file.NoSuchFileException none) {
            // A service without the project's library modules has no lib folder in its application layer.
        }
        String dockerfile = Files.readString(DOCKERFILE);
        for (String layer : List.of("dependencies", "spring-boot-loader", "snapshot-dependencies", "application")) {
            assertThat(dockerfile).contains("COPY --from=layers /build/extracted/" + layer + "/ ./");
        }
        assertThat(dockerfile.indexOf("extracted/dependencies/")).as("dependencies first: they change least")
                .isLessThan(dockerfile.indexOf("extracted/application/"));
    }

    @Test
    void theImageRunsAJre21AsTheNonRootUserThePodsRunAs() throws IOException {
        String dockerfile = Files.readString(DOCKERFILE);

        assertThat(dockerfile).containsPattern("(?m)^ARG JAVA_IMAGE=eclipse-temurin:21-jre")
                .contains("USER 10001:10001", "org.opencontainers.image.version=\"${VERSION}\"",
                        "-XX:MaxRAMPercentage=75", "ENTRYPOINT [\"java\", \"org.springframework.boot.loader.launch.JarLauncher\"]")
                .doesNotContain("-Xmx");
        Deployment gateway = Chart.render("dev.yaml").one(Deployment.class, Chart.RELEASE + "-warmpath-gateway");
        assertThat(gateway.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsUser()).isEqualTo(10001L);
        assertThat(Files.readString(Chart.ROOT.resolve("warmpath"))).contains("--build-arg VERSION=\"$VERSION\"")
                .contains("VERSION=" + version());
    }

    private static String version() {
        return Chart.projectVersion();
    }
}
