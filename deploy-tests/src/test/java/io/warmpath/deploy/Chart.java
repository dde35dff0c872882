package io.warmpath.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.HasMetadata;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The chart at {@code helm/warmpath}, rendered by Helm's own engine (helm-java) as {@code helm template} would, and
 * its objects parsed strictly ({@link StrictKubernetes}).
 */
final class Chart {

    static final Path ROOT = Path.of(System.getProperty("warmpath.root", "..")).toAbsolutePath().normalize();
    static final Path CHART = ROOT.resolve("helm/warmpath");
    static final Path EXAMPLES = CHART.resolve("examples");
    static final String RELEASE = "wp";
    static final String NAMESPACE = "agents";
    /** The oldest Kubernetes the chart supports (Chart.yaml's kubeVersion: the preStop sleep action is 1.30's). */
    static final String KUBERNETES = "1.30.0";

    /** Values that make the default values renderable: the keys and the issuer have no defaults on purpose. */
    static final Map<String, String> REQUIRED = Map.of(
            "assertion.existingSecret", "warmpath-keys",
            "oauth2.issuerUri", "https://login.example.com/realms/agents");

    private Chart() {
    }

    /** Renders with the given values files (applied in order) and {@code --set} values. */
    static Rendered render(List<Path> valuesFiles, Map<String, String> sets) {
        var template = new Helm(CHART).template().withName(RELEASE).withNamespace(NAMESPACE)
                .withKubeVersion(KUBERNETES);
        valuesFiles.forEach(template::withValuesFile);
        sets.forEach(template::set);
        return Rendered.of(template.call());
    }

    static Rendered render(String example, Map<String, String> sets) {
        return render(List.of(EXAMPLES.resolve(example)), sets);
    }

    static Rendered render(String example) {
        return render(example, Map.of());
    }

    /** The Maven project's version: the services', their images' and the chart's appVersion. */
    static String projectVersion() {
        try {
            java.util.regex.Matcher version = java.util.regex.Pattern
                    .compile("<artifactId>warmpath-parent</artifactId>\\s*<version>([^<]+)</version>")
                    .matcher(Files.readString(ROOT.resolve("pom.xml")));
            if (!version.find()) {
                throw new AssertionError("no version in pom.xml");
            }
            return version.group(1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The example values files: each complete one alone, and the vLLM layer over each of two complete ones. */
    static List<List<Path>> exampleSets() {
        try (var files = Files.list(EXAMPLES)) {
            List<Path> complete = files.filter(file -> file.toString().endsWith(".yaml"))
                    .filter(file -> !file.getFileName().toString().equals("vllm.yaml")).sorted().toList();
            List<List<Path>> sets = new ArrayList<>(complete.stream().map(List::of).toList());
            sets.add(List.of(EXAMPLES.resolve("dev.yaml"), EXAMPLES.resolve("vllm.yaml")));
            sets.add(List.of(EXAMPLES.resolve("production.yaml"), EXAMPLES.resolve("vllm.yaml")));
            return List.copyOf(sets);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code helm lint --strict} with these values: Helm lints a chart with its own values.yaml, so the chart is
     * copied with the values files merged into its values.yaml.
     */
    @SuppressWarnings("unchecked")
    static LintResult lint(List<Path> valuesFiles, Map<String, String> sets, Path scratch) throws IOException {
        Path copy = scratch.resolve("warmpath");
        try (var files = Files.walk(CHART)) {
            for (Path source : files.toList()) {
                Path target = copy.resolve(CHART.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
        Yaml yaml = yaml();
        Map<String, Object> values = (Map<String, Object>) yaml.load(Files.readString(CHART.resolve("values.yaml")));
        for (Path file : valuesFiles) {
            deepMerge(values, (Map<String, Object>) yaml.load(Files.readString(file)));
        }
        sets.forEach((path, value) -> deepMerge(values, nested(path, value)));
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        Files.writeString(copy.resolve("values.yaml"), new Yaml(options).dump(values));
        return new Helm(copy).lint().strict().call();
    }

    private static Map<String, Object> nested(String path, String value) {
        String[] keys = path.split("\\.");
        Map<String, Object> root = new LinkedHashMap<>();
        Map<String, Object> current = root;
        for (int i = 0; i < keys.length - 1; i++) {
            Map<String, Object> next = new LinkedHashMap<>();
            current.put(keys[i], next);
            current = next;
        }
        current.put(keys[keys.length - 1], value);
        return root;
    }

    @SuppressWarnings("unchecked")
    private static void deepMerge(Map<String, Object> into, Map<String, Object> from) {
        if (from == null) {
            return;
        }
        from.forEach((key, value) -> {
            if (value instanceof Map<?, ?> map && into.get(key) instanceof Map<?, ?> existing) {
                deepMerge((Map<String, Object>) existing, (Map<String, Object>) map);
            } else {
                into.put(key, value);
            }
        });
    }

    static Yaml yaml() {
        return new Yaml(new SafeConstructor(new LoaderOptions()));
    }

    /** The objects of one rendering, parsed. */
    record Rendered(String manifest, List<HasMetadata> objects) {

        @SuppressWarnings("unchecked")
        static Rendered of(String manifest) {
            List<HasMetadata> objects = new ArrayList<>();
            for (Object document : yaml().loadAll(manifest)) {
                if (document != null) {
                    objects.add(StrictKubernetes.parse((Map<String, Object>) document));
                }
            }
            return new Rendered(manifest, List.copyOf(objects));
        }

        <T extends HasMetadata> List<T> all(Class<T> kind) {
            return objects.stream().filter(kind::isInstance).map(kind::cast).toList();
        }

        <T extends HasMetadata> T one(Class<T> kind, String name) {
            return find(kind, name).orElseThrow(() -> new AssertionError("no " + kind.getSimpleName() + " " + name
                    + " in " + objects.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList()));
        }

        <T extends HasMetadata> Optional<T> find(Class<T> kind, String name) {
            return all(kind).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst();
        }

        <T extends HasMetadata> List<T> where(Class<T> kind, Predicate<T> test) {
            return all(kind).stream().filter(test).toList();
        }

        List<String> kinds() {
            return objects.stream().map(HasMetadata::getKind).toList();
        }
    }
}
