package io.warmpath.policy.policies;

import java.nio.file.Path;

import io.warmpath.policy.PolicyServiceApplication;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An invalid policy set at start-up stops the service from starting; a valid directory starts it. */
class StartupValidationTest {

    @Test
    void invalidPolicySetFailsTheContext() {
        Path directory = PolicyDirectories.withDefaults();
        PolicyDirectories.write(directory, "broken.cedar", """
                @id("typo")
                permit (principal, action == Action::"infer", resource) when { context.dataclass == "public" };
                """);

        assertThatThrownBy(() -> start(directory))
                .rootCause()
                .isInstanceOf(InvalidPolicyException.class)
                .hasMessageContaining("typo")
                .hasMessageContaining("dataclass");
    }

    @Test
    void policyWithoutAnIdFailsTheContext() {
        Path directory = PolicyDirectories.withDefaults();
        PolicyDirectories.write(directory, "anonymous.cedar",
                "permit (principal, action == Action::\"infer\", resource);");

        assertThatThrownBy(() -> start(directory))
                .rootCause()
                .isInstanceOf(InvalidPolicyException.class)
                .hasMessageContaining("no @id");
    }

    @Test
    void missingSchemaFailsTheContext() {
        Path directory = PolicyDirectories.withDefaults();
        directory.resolve(PolicyFiles.SCHEMA_FILE).toFile().delete();

        assertThatThrownBy(() -> start(directory))
                .rootCause()
                .isInstanceOf(InvalidPolicyException.class)
                .hasMessageContaining("schema.cedarschema is missing");
    }

    @Test
    void missingDirectoryFailsTheContext() {
        Path nowhere = PolicyDirectories.withDefaults().resolve("nowhere");

        assertThatThrownBy(() -> start(nowhere))
                .rootCause()
                .isInstanceOf(InvalidPolicyException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void validDirectoryStarts() {
        try (ConfigurableApplicationContext context = start(PolicyDirectories.withDefaults())) {
            assertThat(context.getBean(PolicyStore.class).current().policyCount()).isEqualTo(5);
        }
    }

    private static ConfigurableApplicationContext start(Path directory) {
        // Arguments, not default properties: application.yml's server.port would win over those.
        return new SpringApplicationBuilder(PolicyServiceApplication.class)
                .run("--server.port=0", "--warmpath.policy.directory=" + directory, "--spring.main.banner-mode=off");
    }
}
