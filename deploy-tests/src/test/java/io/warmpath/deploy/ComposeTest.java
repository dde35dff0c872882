package io.warmpath.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.warmpath.cli.token.DevAssertionKeys;
import io.warmpath.cli.token.DevKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml against the two other sources of the same facts: each service's own application.yml (ports)
 * and {@code ./warmpath up} (which properties each service is given). A real compose parser validates the file in
 * {@code .ci/run}; this checks that it wires what the services expect.
 */
class ComposeTest {

    private static final Path COMPOSE = Chart.ROOT.resolve("docker-compose.yml");
    private static final Pattern PROPERTY = Pattern.compile("^--([a-z0-9.\\-\\[\\]]+)=");

    /** Properties only a run on one machine's loopback needs: containers have their own network and ports. */
    private static final Set<String> LOOPBACK_ONLY = Set.of("server.address", "server.port",
            "management.server.address", "management.server.port", "spring.profiles.active");

    private final Map<String, Map<String, Object>> services = services();

    @ParameterizedTest
    @CsvSource({"gateway, gateway-service", "sessions, session-service", "policy, policy-service",
            "artifacts, artifact-service", "cell-1, inference-service", "cell-2, inference-service"})
    void eachServiceIsHealthyWhenItsActuatorReadinessOnItsManagementPortSaysSo(String service, String module) {
        int managementPort = ServiceConfiguration.of(module).managementPort();

        assertThat(healthcheck(service)).contains("/dev/tcp/127.0.0.1/" + managementPort)
                .contains("GET /actuator/health/readiness");
    }

    @Test
    void servicesCallEachOtherOnThePortsTheirOwnConfigurationDefines() {
        int sessions = ServiceConfiguration.of("session-service").port();
        int policy = ServiceConfiguration.of("policy-service").port();
        int cell = ServiceConfiguration.of("inference-service").port();

        int artifacts = ServiceConfiguration.of("artifact-service").port();
        for (String caller : List.of("gateway", "cell-1", "cell-2", "cell-light")) {
            assertThat(command(caller)).anyMatch(arg -> arg.endsWith("=http://sessions:" + sessions))
                    .anyMatch(arg -> arg.endsWith("=http://policy:" + policy));
        }
        assertThat(command("gateway")).contains("--warmpath.gateway.artifacts.url=http://artifacts:" + artifacts);
        assertThat(command("artifacts")).contains("--warmpath.artifacts.policy-url=http://policy:" + policy);
        assertThat(command("sessions")).contains("--warmpath.session.policy.url=http://policy:" + policy);
        for (String caller : List.of("cell-1", "cell-2", "cell-light")) {
            assertThat(command(caller)).contains("--warmpath.cell.transcripts.artifacts-url=http://artifacts:" + artifacts);
        }
        assertThat(command("cell-1")).contains("--warmpath.cell.engine-url=http://engine-1:8100");
        assertThat(command("cell-light")).contains("--warmpath.cell.engine-url=http://engine-light:8100");
        for (String engine : List.of("engine-1", "engine-2", "engine-light")) {
            assertThat(command(engine)).contains("--port=8100");
        }
        // The light cell serves the model the gateway's routing alias chooses as light.
        assertThat(command("engine-light")).contains("--served-model-name=llama-3.1-8b-instruct");
        assertThat(command("gateway")).contains("--warmpath.gateway.models.routing.auto.light-model=llama-3.1-8b-instruct");
        assertThat(Chart.yaml().<List<Map<String, Object>>>load(read(Chart.ROOT.resolve("deploy/compose/cells.yaml"))))
                .extracting(entry -> entry.get("uri"))
                .containsExactly("http://cell-1:" + cell, "http://cell-2:" + cell, "http://cell-light:" + cell);
    }

    @ParameterizedTest
    @CsvSource({"gateway, gateway-service", "sessions, session-service", "policy, policy-service",
            "artifacts, artifact-service", "cell-1, inference-service", "engine-1, engine-sim"})
    void eachServiceGetsTheSamePropertiesAsWarmpathUpGivesIt(String service, String module) throws IOException {
        Set<String> fromUp = new LinkedHashSet<>(WarmpathUp.properties(module));
        fromUp.removeAll(LOOPBACK_ONLY);
        Set<String> fromCompose = new LinkedHashSet<>();
        for (String arg : command(service)) {
            Matcher property = PROPERTY.matcher(arg);
            assertThat(property.find()).as("%s: every argument is a property, %s", service, arg).isTrue();
            fromCompose.add(property.group(1));
        }
        // ./warmpath up's Redis is on the default host (127.0.0.1); compose's is another container.
        fromCompose.remove("spring.data.redis.host");

        assertThat(fromCompose).as("%s in docker-compose.yml and in ./warmpath up", service)
                .containsExactlyInAnyOrderElementsOf(fromUp);
    }

    @Test
    void onlyTheGatewayIsPublishedAndGrafanaOnlyOnLoopback() {
        services.forEach((name, service) -> {
            if (name.equals("gateway")) {
                assertThat(service.get("ports")).asList().containsExactly("${WARMPATH_GATEWAY_PORT:-8080}:8080");
            } else if (name.equals("grafana")) {
                assertThat(service.get("ports")).asList().singleElement().asString().startsWith("127.0.0.1:");
            } else {
                assertThat(service).as(name).doesNotContainKey("ports");
            }
        });
    }

    @Test
    void everyServiceStartsAfterWhatItNeedsIsHealthy() {
        services.forEach((name, service) -> {
            if (service.get("depends_on") instanceof Map<?, ?> dependencies) {
                dependencies.forEach((dependency, condition) -> {
                    assertThat(services).as("%s depends on %s", name, dependency).containsKey((String) dependency);
                    Map<String, Object> needed = services.get((String) dependency);
                    if (needed.containsKey("restart")) {
                        assertThat(((Map<?, ?>) condition).get("condition")).as("%s on %s", name, dependency)
                                .isEqualTo("service_healthy");
                        assertThat(needed).as("%s has a healthcheck", dependency).containsKey("healthcheck");
                    } else {
                        // A one-shot job (creating a bucket, say): what depends on it waits for it to succeed.
                        assertThat(((Map<?, ?>) condition).get("condition")).as("%s on %s", name, dependency)
                                .isEqualTo("service_completed_successfully");
                    }
                });
            }
        });
        assertThat(dependencies("gateway")).containsExactlyInAnyOrder("cell-1", "cell-2", "artifacts", "redis");
        assertThat(dependencies("artifacts")).containsExactlyInAnyOrder("policy", "minio-buckets");
        assertThat(dependencies("cell-1")).containsExactlyInAnyOrder("policy", "sessions", "artifacts");
        assertThat(dependencies("sessions")).containsExactlyInAnyOrder("redis", "policy");
        assertThat(dependencies("policy")).containsExactly("minio-buckets");
        assertThat(dependencies("minio-buckets")).containsExactly("minio");
    }

    @Test
    void signingKeysComeInAsComposeSecretsFromTheFilesTheKeysCommandWrites() {
        Map<String, Object> secrets = section("secrets");
        List<Object> files = List.of("assertion-signing-key", "assertion-jwks", "dev-public-key").stream()
                .map(name -> (Object) ((Map<?, ?>) secrets.get(name)).get("file")).toList();
        assertThat(files).containsExactly("./.warmpath/" + DevAssertionKeys.SIGNING_KEY_FILE,
                "./.warmpath/" + DevAssertionKeys.KEY_SET_FILE, "./.warmpath/" + DevKeys.PUBLIC_KEY_FILE);
        assertThat(services.get("gateway").get("secrets")).asList()
                .containsExactlyInAnyOrder("assertion-signing-key", "dev-public-key");
        for (String service : List.of("sessions", "policy", "artifacts", "cell-1", "cell-2")) {
            assertThat(services.get(service).get("secrets")).asList().as(service).containsExactly("assertion-jwks");
        }
    }

    @Test
    void vllmReplacesEngineSimUnderTheSameHostNamesWithPrefixCachingAndAGpu() {
        for (int i = 1; i <= 2; i++) {
            Map<String, Object> vllm = services.get("vllm-" + i);
            assertThat(vllm.get("profiles")).asList().containsExactly("vllm");
            assertThat(services.get("engine-" + i).get("profiles")).asList().containsExactly("sim");
            assertThat(command("vllm-" + i)).contains("--enable-prefix-caching", "--enable-prompt-tokens-details");
            assertThat(vllm.toString()).contains("aliases=[engine-" + i + "]", "capabilities=[gpu]");
        }
        assertThat(read(Chart.ROOT.resolve(".env"))).contains("COMPOSE_PROFILES=sim");
    }

    @Test
    void prometheusScrapesEveryServicesActuatorPort() {
        String prometheus = read(Chart.ROOT.resolve("deploy/compose/prometheus.yml"));
        for (String[] target : new String[][] {{"gateway", "gateway-service"}, {"sessions", "session-service"},
                {"policy", "policy-service"}, {"cell-1", "inference-service"}, {"cell-2", "inference-service"}}) {
            assertThat(prometheus).contains("\"" + target[0] + ":"
                    + ServiceConfiguration.of(target[1]).managementPort() + "\"");
        }
        assertThat(services.get("prometheus").get("profiles")).asList().containsExactly("observability");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> services() {
        Map<String, Object> compose = Chart.yaml().load(read(COMPOSE));
        return new LinkedHashMap<>((Map<String, Map<String, Object>>) compose.get("services"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(String name) {
        Map<String, Object> compose = Chart.yaml().load(read(COMPOSE));
        return (Map<String, Object>) compose.get(name);
    }

    private List<String> command(String service) {
        Object command = services.get(service).get("command");
        assertThat(command).as("%s's command", service).isInstanceOf(List.class);
        List<String> args = new ArrayList<>();
        ((List<?>) command).forEach(arg -> args.add(arg.toString()));
        return args;
    }

    private String healthcheck(String service) {
        Object test = ((Map<?, ?>) services.get(service).get("healthcheck")).get("test");
        return String.join(" ", ((List<?>) test).stream().map(Object::toString).toList());
    }

    private List<String> dependencies(String service) {
        return ((Map<?, ?>) services.get(service).get("depends_on")).keySet().stream().map(Object::toString).toList();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
