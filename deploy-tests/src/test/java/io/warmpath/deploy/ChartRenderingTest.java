package io.warmpath.deploy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Every example values file (and the defaults) renders, parses strictly and passes {@code helm lint --strict}. */
class ChartRenderingTest {

    static Stream<List<Path>> examples() {
        return Chart.exampleSets().stream();
    }

    @ParameterizedTest
    @MethodSource("examples")
    void exampleRendersObjectsThatAllParseStrictly(List<Path> example) {
        Chart.Rendered rendered = Chart.render(example, Map.of());

        assertThat(rendered.objects()).isNotEmpty();
        assertThat(rendered.kinds()).contains("Deployment", "StatefulSet", "Service", "NetworkPolicy", "ConfigMap");
    }

    @ParameterizedTest
    @MethodSource("examples")
    void exampleLintsStrictly(List<Path> example, @TempDir Path scratch) throws IOException {
        LintResult lint = Chart.lint(example, Map.of(), scratch);

        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    }

    @Test
    void defaultsWithTheRequiredValuesRenderAndLint(@TempDir Path scratch) throws IOException {
        Chart.Rendered rendered = Chart.render(List.of(), Chart.REQUIRED);
        LintResult lint = Chart.lint(List.of(), Chart.REQUIRED, scratch);

        assertThat(rendered.kinds()).contains("HorizontalPodAutoscaler", "PodDisruptionBudget");
        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    }

    @Test
    void vllmCellsLayerOverTheProductionExampleWithoutTouchingItsKeysOrIssuer() {
        Chart.Rendered rendered = Chart.render(List.of(Chart.EXAMPLES.resolve("production.yaml"),
                Chart.EXAMPLES.resolve("vllm.yaml")), Map.of());

        assertThat(rendered.manifest()).contains("--enable-prefix-caching", "secretName: warmpath-assertion",
                "issuer-uri: https://login.example.com/realms/agents").doesNotContain("warmpath-dev-keys");
    }
}
