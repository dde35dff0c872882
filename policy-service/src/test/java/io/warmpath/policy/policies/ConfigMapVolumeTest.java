package io.warmpath.policy.policies;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Policies mounted from a Kubernetes ConfigMap (as the Helm chart mounts them): the kubelet keeps the files in a
 * timestamped {@code ..<time>} directory, points {@code ..data} at it and links each visible name through
 * {@code ..data}; an update writes a new directory and swaps {@code ..data} in one rename. The service must read
 * the linked files, ignore the hidden directories, and see the swap as a new set.
 */
class ConfigMapVolumeTest {

    @Test
    void theLinkedFilesAreReadAndASwapOfTheDataLinkIsANewSet(@TempDir Path volume) throws IOException {
        Path defaults = PolicyDirectories.withDefaults();
        Map<String, String> first = Map.of(
                "schema.cedarschema", Files.readString(defaults.resolve("schema.cedarschema")),
                "default.cedar", Files.readString(defaults.resolve("default.cedar")),
                "tenants.json", Files.readString(defaults.resolve("tenants.json")));
        project(volume, "..2026_12_06_10_00_00.1", first);

        PolicyFiles before = PolicyFiles.fromDirectory(volume);
        assertThat(before.policies()).extracting(PolicyFiles.NamedText::name).containsExactly("default.cedar");
        assertThat(before.entities()).extracting(PolicyFiles.NamedText::name).containsExactly("tenants.json");
        assertThat(before.schema()).isEqualTo(first.get("schema.cedarschema"));

        var second = new java.util.HashMap<>(first);
        second.put("egress.cedar", "permit (principal, action == Action::\"egress\", resource);\n");
        project(volume, "..2026_12_06_10_05_00.2", second);

        PolicyFiles after = PolicyFiles.fromDirectory(volume);
        assertThat(after.policies()).extracting(PolicyFiles.NamedText::name)
                .containsExactly("default.cedar", "egress.cedar");
        assertThat(after.fingerprint()).isNotEqualTo(before.fingerprint());
        assertThat(PolicyFiles.fromDirectory(volume).fingerprint()).as("unchanged: the same set")
                .isEqualTo(after.fingerprint());
    }

    /** What the kubelet's atomic writer does for one version of the ConfigMap. */
    private static void project(Path volume, String version, Map<String, String> files) throws IOException {
        Path data = Files.createDirectory(volume.resolve(version));
        for (var file : files.entrySet()) {
            Files.writeString(data.resolve(file.getKey()), file.getValue());
        }
        Path link = Files.createSymbolicLink(volume.resolve("..data_tmp"), Path.of(version));
        Files.move(link, volume.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        for (String name : files.keySet()) {
            Path visible = volume.resolve(name);
            if (!Files.isSymbolicLink(visible)) {
                Files.createSymbolicLink(visible, Path.of("..data", name));
            }
        }
    }
}
