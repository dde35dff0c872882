package io.warmpath.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the rendered chart promises, checked on the parsed objects of the development and production examples. */
class ChartFeaturesTest {

    private static final String PREFIX = Chart.RELEASE + "-warmpath-";

    private final Chart.Rendered dev = Chart.render("dev.yaml");
    private final Chart.Rendered production = Chart.render("production.yaml",
            Map.of("metrics.assumeOperatorCrds", "true"));

    @Test
    void everyWorkloadSelectsItsOwnPodsAndEveryServiceAndBudgetSelectsAWorkload() {
        for (Chart.Rendered rendered : List.of(dev, production)) {
            List<Map<String, String>> podLabels = podTemplates(rendered).stream()
                    .map(template -> template.getMetadata().getLabels()).toList();
            for (Deployment deployment : rendered.all(Deployment.class)) {
                assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                        .containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
            }
            for (StatefulSet set : rendered.all(StatefulSet.class)) {
                assertThat(set.getSpec().getTemplate().getMetadata().getLabels())
                        .containsAllEntriesOf(set.getSpec().getSelector().getMatchLabels());
            }
            for (Service service : rendered.all(Service.class)) {
                assertThat(podLabels).as("pods of service %s", service.getMetadata().getName())
                        .anySatisfy(labels -> assertThat(labels).containsAllEntriesOf(service.getSpec().getSelector()));
            }
            for (PodDisruptionBudget budget : rendered.all(PodDisruptionBudget.class)) {
                assertThat(podLabels).anySatisfy(labels -> assertThat(labels)
                        .containsAllEntriesOf(budget.getSpec().getSelector().getMatchLabels()));
            }
            for (NetworkPolicy policy : rendered.all(NetworkPolicy.class)) {
                assertThat(podLabels).as("pods of network policy %s", policy.getMetadata().getName())
                        .anySatisfy(labels -> assertThat(labels)
                                .containsAllEntriesOf(policy.getSpec().getPodSelector().getMatchLabels()));
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"gateway-service, gateway, gateway", "session-service, sessions, sessions",
            "policy-service, policy, policy", "artifact-service, artifacts, artifacts",
            "inference-service, cell, inference"})
    void portsAgreeWithTheServicesOwnConfiguration(String module, String component, String container) {
        ServiceConfiguration service = ServiceConfiguration.of(module);
        Container rendered = container(production, component, container);

        assertThat(rendered.getPorts()).anySatisfy(port -> {
            assertThat(port.getName()).isEqualTo("http");
            assertThat(port.getContainerPort()).isEqualTo(service.port());
        }).anySatisfy(port -> {
            assertThat(port.getName()).isEqualTo("management");
            assertThat(port.getContainerPort()).isEqualTo(service.managementPort());
        });
        Map<String, Object> config = applicationYaml(production, PREFIX + component);
        assertThat(ServiceConfiguration.intAt(config, "server", "port")).isEqualTo(service.port());
        assertThat(ServiceConfiguration.intAt(config, "management", "server", "port"))
                .isEqualTo(service.managementPort());
    }

    @Test
    void servicesCallEachOtherAtTheAddressesThePortsAndServicesDefine() {
        int sessionsPort = ServiceConfiguration.of("session-service").port();
        int policyPort = ServiceConfiguration.of("policy-service").port();
        String sessionsUrl = "http://" + PREFIX + "sessions:" + sessionsPort;
        String policyUrl = "http://" + PREFIX + "policy:" + policyPort;

        assertThat(dev.one(Service.class, PREFIX + "sessions").getSpec().getPorts())
                .anySatisfy(port -> assertThat(port.getPort()).isEqualTo(sessionsPort));
        assertThat(dev.one(Service.class, PREFIX + "policy").getSpec().getPorts())
                .anySatisfy(port -> assertThat(port.getPort()).isEqualTo(policyPort));
        Map<String, Object> gateway = applicationYaml(dev, PREFIX + "gateway");
        assertThat(at(gateway, "warmpath", "gateway", "sessions", "url")).isEqualTo(sessionsUrl);
        assertThat(at(gateway, "warmpath", "gateway", "policy", "url")).isEqualTo(policyUrl);
        Map<String, Object> cell = applicationYaml(dev, PREFIX + "cell");
        assertThat(at(cell, "warmpath", "cell", "sessions-url")).isEqualTo(sessionsUrl);
        assertThat(at(cell, "warmpath", "cell", "policy-url")).isEqualTo(policyUrl);
        assertThat(at(cell, "warmpath", "cell", "engine-url")).isEqualTo("http://127.0.0.1:8100");
        int artifactsPort = ServiceConfiguration.of("artifact-service").port();
        assertThat(at(gateway, "warmpath", "gateway", "artifacts", "url"))
                .isEqualTo("http://" + PREFIX + "artifacts:" + artifactsPort);
        assertThat(dev.one(Service.class, PREFIX + "artifacts").getSpec().getPorts())
                .anySatisfy(port -> assertThat(port.getPort()).isEqualTo(artifactsPort));
        Map<String, Object> artifacts = applicationYaml(dev, PREFIX + "artifacts");
        assertThat(at(artifacts, "warmpath", "artifacts", "policy-url")).isEqualTo(policyUrl);
        assertThat(at(cell, "warmpath", "cell", "transcripts", "artifacts-url"))
                .isEqualTo("http://" + PREFIX + "artifacts:" + artifactsPort);
        Map<String, Object> sessions = applicationYaml(dev, PREFIX + "sessions");
        assertThat(at(sessions, "warmpath", "session", "policy", "url")).isEqualTo(policyUrl);
    }

    @Test
    void artifactsAreKeptInTheBundledMinioOrTheExternalS3WithEncryptionAndCredentialsFromSecrets() {
        Map<String, Object> bundled = applicationYaml(dev, PREFIX + "artifacts");
        assertThat(at(bundled, "warmpath", "artifacts", "store", "regions", "local", "endpoint"))
                .isEqualTo("http://" + PREFIX + "minio:9000");
        assertThat(at(bundled, "warmpath", "artifacts", "store", "server-side-encryption")).isEqualTo("AES256");
        assertThat(container(dev, "artifacts", "artifacts").getEnv()).extracting("name")
                .contains("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY");
        assertThat(callers(dev, "minio", 9000)).containsExactlyInAnyOrder("minio-buckets", "artifacts", "policy");

        Chart.Rendered external = Chart.render("external-redis-s3.yaml");
        Map<String, Object> s3 = applicationYaml(external, PREFIX + "artifacts");
        assertThat(s3.toString()).doesNotContain("minio");
        assertThat(at(s3, "warmpath", "artifacts", "store", "regions", "local", "bucket")).isNotNull();
        NetworkPolicy artifacts = external.one(NetworkPolicy.class, PREFIX + "artifacts");
        assertThat(artifacts.getSpec().getEgress()).anySatisfy(rule -> assertThat(rule.getTo())
                .anySatisfy(peer -> assertThat(peer.getIpBlock()).isNotNull()));
    }

    @Test
    void policyServiceShipsItsAuditToALockedBucketThatArtifactServiceReads() {
        Map<String, Object> policy = applicationYaml(dev, PREFIX + "policy");
        assertThat(at(policy, "warmpath", "policy", "audit", "bucket")).isEqualTo("warmpath-audit");
        assertThat(at(policy, "warmpath", "policy", "audit", "endpoint")).isEqualTo("http://" + PREFIX + "minio:9000");
        assertThat(container(dev, "policy", "policy").getEnv()).extracting("name")
                .contains("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY");
        Map<String, Object> artifacts = applicationYaml(dev, PREFIX + "artifacts");
        assertThat(at(artifacts, "warmpath", "artifacts", "store", "audit", "bucket")).isEqualTo("warmpath-audit");

        Chart.Rendered external = Chart.render("external-redis-s3.yaml");
        NetworkPolicy egress = external.one(NetworkPolicy.class, PREFIX + "policy");
        assertThat(egress.getSpec().getEgress()).anySatisfy(rule -> assertThat(rule.getTo())
                .anySatisfy(peer -> assertThat(peer.getIpBlock()).isNotNull()));

        Chart.Rendered off = Chart.render(List.of(Chart.EXAMPLES.resolve("dev.yaml")),
                Map.of("policy.audit.enabled", "false"));
        assertThat(applicationYaml(off, PREFIX + "policy").toString()).doesNotContain("audit");
        assertThat(callers(off, "minio", 9000)).doesNotContain("policy");
    }

    @Test
    void cellsAreAStatefulSetWhosePodNamesAreTheCellIdsTheGatewayDiscoversByDns() {
        StatefulSet cells = dev.one(StatefulSet.class, PREFIX + "cell");
        Service headless = dev.one(Service.class, PREFIX + "cell");

        assertThat(cells.getSpec().getServiceName()).isEqualTo(headless.getMetadata().getName());
        assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(headless.getSpec().getPublishNotReadyAddresses()).isTrue();
        assertThat(headless.getSpec().getPorts()).anySatisfy(port -> assertThat(port.getName()).isEqualTo("http"));
        Container inference = container(dev, "cell", "inference");
        assertThat(inference.getEnv()).anySatisfy(env -> {
            assertThat(env.getName()).isEqualTo("WARMPATH_CELL_ID");
            assertThat(env.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");
        });
        Map<String, Object> gateway = applicationYaml(dev, PREFIX + "gateway");
        assertThat(at(gateway, "warmpath", "gateway", "cells-dns", "service"))
                .isEqualTo(PREFIX + "cell." + Chart.NAMESPACE + ".svc.cluster.local");
        assertThat(at(gateway, "warmpath", "gateway", "cells-dns", "port-name")).isEqualTo("http");
        assertThat(at(gateway, "warmpath", "gateway", "cells-dns", "metadata", "model")).isEqualTo("kimi-k2.5");
        assertThat(container(dev, "cell", "engine").getImage()).isEqualTo("warmpath/engine-sim:" + Chart.projectVersion());
    }

    @Test
    void vllmCellsRunTheEngineWithPrefixCachingPromptTokenDetailsAndAGpu() {
        Chart.Rendered vllm = Chart.render(List.of(Chart.EXAMPLES.resolve("dev.yaml"),
                Chart.EXAMPLES.resolve("vllm.yaml")), Map.of());
        Container engine = container(vllm, "cell", "engine");

        assertThat(engine.getImage()).startsWith("vllm/vllm-openai:").doesNotEndWith(":latest");
        assertThat(engine.getArgs()).contains("--enable-prefix-caching", "--enable-prompt-tokens-details",
                "--served-model-name", "llama-3.1-8b-instruct", "meta-llama/Llama-3.1-8B-Instruct");
        assertThat(engine.getResources().getLimits().get("nvidia.com/gpu").getAmount()).isEqualTo("1");
        assertThat(engine.getEnv()).anySatisfy(env -> assertThat(env.getName()).isEqualTo("HF_TOKEN"))
                .anySatisfy(env -> assertThat(env.getName() + "=" + env.getValue()).isEqualTo("HOME=/models/home"));
        assertThat(engine.getVolumeMounts()).anySatisfy(mount -> {
            assertThat(mount.getMountPath()).isEqualTo("/tmp");
            assertThat(mount.getName()).as("not the cell's small /tmp").isEqualTo("engine-tmp");
        });
    }

    @Test
    void everyWarmpathContainerIsProbedThroughTheActuatorHealthGroupsOnItsManagementPort() {
        for (String[] component : new String[][] {{"gateway", "gateway"}, {"cell", "inference"},
                {"sessions", "sessions"}, {"policy", "policy"}, {"artifacts", "artifacts"}}) {
            Container container = container(production, component[0], component[1]);
            assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/liveness");
            assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/readiness");
            assertThat(container.getStartupProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/liveness");
            assertThat(container.getLivenessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("management");
            assertThat(container.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("management");
        }
    }

    @Test
    void everyContainerRunsAsNonRootOnAReadOnlyRootFilesystemWithEveryCapabilityDropped() {
        for (Chart.Rendered rendered : List.of(dev, production, Chart.render(List.of(
                Chart.EXAMPLES.resolve("dev.yaml"), Chart.EXAMPLES.resolve("vllm.yaml")), Map.of()))) {
            for (PodTemplateSpec template : podTemplates(rendered)) {
                var pod = template.getSpec();
                assertThat(pod.getAutomountServiceAccountToken()).isFalse();
                assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
                for (Container container : pod.getContainers()) {
                    var security = container.getSecurityContext();
                    String what = template.getMetadata().getLabels().get("app.kubernetes.io/component") + "/"
                            + container.getName();
                    assertThat(security.getReadOnlyRootFilesystem()).as(what).isTrue();
                    assertThat(security.getAllowPrivilegeEscalation()).as(what).isFalse();
                    assertThat(security.getCapabilities().getDrop()).as(what).containsExactly("ALL");
                    assertThat(container.getImage()).as(what).doesNotEndWith(":latest");
                    assertThat(container.getResources().getLimits()).as(what).containsKey("memory");
                }
            }
        }
    }

    @Test
    void onlyTheGatewayAcceptsTrafficFromAnywhereAndEachInternalServiceOnlyFromItsCallers() {
        assertThat(production.one(Service.class, PREFIX + "gateway").getSpec().getPorts())
                .as("the public Service carries the API only").singleElement()
                .satisfies(port -> assertThat(port.getName()).isEqualTo("http"));
        Service metrics = production.one(Service.class, PREFIX + "gateway-metrics");
        assertThat(metrics.getSpec().getType()).isEqualTo("ClusterIP");
        assertThat(metrics.getSpec().getPorts()).singleElement()
                .satisfies(port -> assertThat(port.getName()).isEqualTo("management"));
        NetworkPolicy gateway = production.one(NetworkPolicy.class, PREFIX + "gateway");
        assertThat(gateway.getSpec().getIngress()).anySatisfy(rule -> {
            assertThat(rule.getFrom()).isEmpty();
            assertThat(rule.getPorts()).singleElement()
                    .satisfies(port -> assertThat(port.getPort().getIntVal()).isEqualTo(8080));
        });

        assertThat(callers(production, "cell", 8090)).containsExactly("gateway");
        // The engine's port (its metrics, and an unauthenticated OpenAI API): Prometheus's pods only.
        NetworkPolicy cell = production.one(NetworkPolicy.class, PREFIX + "cell");
        assertThat(cell.getSpec().getIngress()).filteredOn(rule -> rule.getPorts().stream()
                .anyMatch(port -> port.getPort().getIntVal() == 8100)).singleElement().satisfies(rule ->
                assertThat(rule.getFrom()).singleElement().satisfies(peer -> {
                    assertThat(peer.getNamespaceSelector().getMatchLabels())
                            .containsEntry("kubernetes.io/metadata.name", "monitoring");
                    assertThat(peer.getPodSelector().getMatchLabels())
                            .containsEntry("app.kubernetes.io/name", "prometheus");
                }));
        assertThat(callers(production, "sessions", 8081)).containsExactlyInAnyOrder("gateway", "cell");
        assertThat(callers(production, "policy", 8082)).containsExactlyInAnyOrder("gateway", "cell", "sessions",
                "artifacts");
        assertThat(callers(production, "artifacts", 8083)).containsExactlyInAnyOrder("gateway", "cell");
        // The gateways share their rate limits through it.
        assertThat(callers(dev, "redis", 6379)).containsExactlyInAnyOrder("sessions", "gateway");
        for (NetworkPolicy policy : production.all(NetworkPolicy.class)) {
            if (!policy.getMetadata().getName().equals(PREFIX + "gateway")) {
                assertThat(policy.getSpec().getIngress()).as(policy.getMetadata().getName())
                        .allSatisfy(rule -> assertThat(rule.getFrom()).isNotEmpty());
            }
            assertThat(policy.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
        }
    }

    @Test
    void theGatewayReachesOutsideTheClusterOnlyToItsIdentityProviderTheAllowlistedToolDestinationsAndRedis() {
        NetworkPolicy gateway = production.one(NetworkPolicy.class, PREFIX + "gateway");

        List<String> external = gateway.getSpec().getEgress().stream()
                .flatMap(rule -> rule.getTo().stream())
                .filter(peer -> peer.getIpBlock() != null)
                .map(peer -> peer.getIpBlock().getCidr()).toList();
        // The issuer, the tool destination, and the external Redis the rate limits are shared through.
        assertThat(external).containsExactlyInAnyOrder("203.0.113.10/32", "203.0.113.20/32", "10.0.0.0/8");
        assertThat(gateway.getSpec().getEgress()).allSatisfy(rule -> assertThat(rule.getTo().isEmpty()
                ? rule.getPorts().stream().allMatch(port -> port.getPort().getIntVal() == 53) : true).isTrue());
        Map<String, Object> config = applicationYaml(production, PREFIX + "gateway");
        assertThat(at(config, "warmpath", "gateway", "egress", "allow").toString())
                .isEqualTo("[{origin=https://tools.example.com}]");
    }

    @Test
    void theGatewayScalesOnCpuAndEveryTierKeepsPodsThroughVoluntaryDisruptions() {
        HorizontalPodAutoscaler hpa = production.one(HorizontalPodAutoscaler.class, PREFIX + "gateway");
        assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(PREFIX + "gateway");
        assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(3);
        assertThat(production.one(Deployment.class, PREFIX + "gateway").getSpec().getReplicas())
                .as("the HPA owns the replica count").isNull();
        assertThat(production.all(PodDisruptionBudget.class)).extracting(b -> b.getMetadata().getName())
                .containsExactlyInAnyOrder(PREFIX + "gateway", PREFIX + "cell", PREFIX + "sessions", PREFIX + "policy",
                        PREFIX + "artifacts");
        assertThat(production.one(PodDisruptionBudget.class, PREFIX + "cell").getSpec().getMaxUnavailable().getIntVal())
                .isEqualTo(1);
    }

    @Test
    void signingKeysComeFromSecretsAndOnlyTheGatewayMountsThePrivateOne() {
        for (String[] component : new String[][] {{"cell", "inference"}, {"sessions", "sessions"},
                {"policy", "policy"}, {"artifacts", "artifacts"}}) {
            var pod = podTemplate(production, component[0]).getSpec();
            assertThat(pod.getVolumes()).filteredOn(volume -> volume.getSecret() != null).singleElement()
                    .satisfies(volume -> {
                        assertThat(volume.getSecret().getSecretName()).isEqualTo("warmpath-assertion");
                        assertThat(volume.getSecret().getItems()).extracting("key").containsExactly("jwks.json");
                    });
            assertThat(at(applicationYaml(production, PREFIX + component[0]), "warmpath", "assertion",
                    "jwk-set-location")).isEqualTo("file:/secrets/assertion/jwks.json");
        }
        assertThat(podTemplate(production, "gateway").getSpec().getVolumes())
                .filteredOn(volume -> volume.getSecret() != null).singleElement()
                .satisfies(volume -> assertThat(volume.getSecret().getItems()).extracting("key")
                        .containsExactly("signing-key.json"));
        assertThat(production.kinds()).doesNotContain("Secret");
    }

    @Test
    void theGatewaysShareRateLimitsThroughTheSessionsRedisWithItsPasswordAndOnlyWhenLimitsAreOn() {
        Map<String, Object> sessions = applicationYaml(production, PREFIX + "sessions");
        Map<String, Object> gateway = applicationYaml(production, PREFIX + "gateway");
        assertThat(at(gateway, "spring", "data", "redis")).isEqualTo(at(sessions, "spring", "data", "redis"));
        assertThat(at(gateway, "warmpath", "gateway", "limits", "enabled")).isEqualTo(true);
        assertThat(at(gateway, "warmpath", "gateway", "limits", "tenant", "requestsPerMinute")).isEqualTo(6000);
        assertThat(container(production, "gateway", "gateway").getEnv()).extracting("name")
                .contains("SPRING_DATA_REDIS_PASSWORD", "SPRING_DATA_REDIS_SENTINEL_PASSWORD");

        Chart.Rendered unlimited = Chart.render("production.yaml", Map.of("gateway.rateLimits.enabled", "false"));
        Map<String, Object> plain = applicationYaml(unlimited, PREFIX + "gateway");
        assertThat(at(plain, "spring")).asInstanceOf(InstanceOfAssertFactories.MAP).doesNotContainKey("data");
        assertThat(at(plain, "warmpath", "gateway", "limits", "enabled")).isEqualTo(false);
        assertThat(container(unlimited, "gateway", "gateway").getEnv()).extracting("name")
                .doesNotContain("SPRING_DATA_REDIS_PASSWORD");
    }

    @Test
    void externalRedisModesReachSessionServiceAsSpringDataRedisProperties() {
        Map<String, Object> sentinel = applicationYaml(production, PREFIX + "sessions");
        assertThat(at(sentinel, "spring", "data", "redis", "sentinel", "master")).isEqualTo("warmpath");
        assertThat(at(sentinel, "spring", "data", "redis", "sentinel", "nodes").toString())
                .contains("redis-sentinel-0.redis.svc:26379,redis-sentinel-1");
        Map<String, Object> managed = applicationYaml(Chart.render("external-redis-s3.yaml"), PREFIX + "sessions");
        assertThat(at(managed, "spring", "data", "redis", "host")).isEqualTo("redis.example.internal");
        assertThat(at(managed, "spring", "data", "redis", "port")).isEqualTo(6380);
        assertThat(at(managed, "spring", "data", "redis", "ssl", "enabled")).isEqualTo(true);
        assertThat(container(production, "sessions", "sessions").getEnv()).anySatisfy(env -> {
            assertThat(env.getName()).isEqualTo("SPRING_DATA_REDIS_PASSWORD");
            assertThat(env.getValueFrom().getSecretKeyRef().getName()).isEqualTo("warmpath-redis");
        }).anySatisfy(env -> {
            assertThat(env.getName()).isEqualTo("SPRING_DATA_REDIS_SENTINEL_PASSWORD");
            assertThat(env.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("sentinel-password");
        });
        assertThat(production.find(StatefulSet.class, PREFIX + "redis")).isEmpty();
        assertThat(at(applicationYaml(dev, PREFIX + "sessions"), "spring", "data", "redis", "host"))
                .isEqualTo(PREFIX + "redis");
        Map<String, Object> cluster = applicationYaml(Chart.render("production.yaml", Map.of(
                "externalRedis.mode", "cluster", "externalRedis.cluster.nodes[0]", "redis-0.redis:6379",
                "externalRedis.cluster.nodes[1]", "redis-1.redis:6379")), PREFIX + "sessions");
        assertThat(at(cluster, "spring", "data", "redis", "cluster", "nodes"))
                .isEqualTo("redis-0.redis:6379,redis-1.redis:6379");
        assertThat(at(cluster, "spring", "data", "redis")).asInstanceOf(InstanceOfAssertFactories.MAP)
                .doesNotContainKeys("sentinel", "host");
    }

    @Test
    void policiesFromValuesAreAConfigMapMountedAsADirectorySoEditsReloadWithoutARestart() {
        Chart.Rendered rendered = Chart.render("dev.yaml", Map.of("policy.policies.extra\\.cedar",
                "permit(principal, action, resource);"));

        ConfigMap policies = rendered.one(ConfigMap.class, PREFIX + "policies");
        assertThat(policies.getData()).containsKey("extra.cedar");
        var mount = container(rendered, "policy", "policy").getVolumeMounts().stream()
                .filter(m -> m.getName().equals("policies")).findFirst().orElseThrow();
        assertThat(mount.getMountPath()).isEqualTo("/policies");
        assertThat(mount.getSubPath()).as("a subPath mount never sees ConfigMap updates").isNull();
        assertThat(at(applicationYaml(rendered, PREFIX + "policy"), "warmpath", "policy", "directory"))
                .isEqualTo("/policies");
        assertThat(dev.find(ConfigMap.class, PREFIX + "policies")).as("no policies given: the defaults").isEmpty();
    }

    @Test
    void serviceMonitorsScrapeEveryServicesActuatorAndSelectItsService() {
        List<GenericKubernetesResource> monitors = production.all(GenericKubernetesResource.class).stream()
                .filter(resource -> resource.getKind().equals("ServiceMonitor")).toList();

        assertThat(monitors).hasSize(6);
        for (GenericKubernetesResource monitor : monitors) {
            Map<String, Object> spec = monitor.get("spec");
            @SuppressWarnings("unchecked")
            Map<String, String> selector = (Map<String, String>) ((Map<String, Object>) spec.get("selector"))
                    .get("matchLabels");
            assertThat(production.all(Service.class)).anySatisfy(service -> assertThat(
                    service.getMetadata().getLabels()).containsAllEntriesOf(selector));
        }
        assertThat(production.manifest()).contains("path: /actuator/prometheus", "kind: PrometheusRule");
        assertThat(dev.kinds()).doesNotContain("ServiceMonitor", "PrometheusRule");
        assertThat(Chart.render("external-redis-s3.yaml").kinds()).as("the CRDs are not known to exist")
                .doesNotContain("ServiceMonitor");
    }

    @Test
    void theChartsAppVersionIsTheProjectsVersion() throws IOException {
        String version = Chart.projectVersion();

        assertThat(Files.readString(Chart.CHART.resolve("Chart.yaml"))).contains("appVersion: \"" + version + "\"");
        assertThat(container(dev, "gateway", "gateway").getImage()).isEqualTo("warmpath/gateway-service:" + version);
    }

    @Test
    void valuesTheSchemaOrTheChartCannotUseAreRefusedWithAMessage() {
        assertThatThrownBy(() -> Chart.render("dev.yaml", Map.of("cells.engine.kind", "tgi")))
                .hasMessageContaining("/cells/engine/kind");
        assertThatThrownBy(() -> Chart.render("dev.yaml", Map.of("image.tag", "latest")))
                .hasMessageContaining("/image/tag");
        assertThatThrownBy(() -> Chart.render("dev.yaml", Map.of("cells.replicaCount", "0")))
                .hasMessageContaining("/cells/replicaCount");
        assertThatThrownBy(() -> Chart.render("dev.yaml", Map.of("gateway.routing.policy", "random")))
                .hasMessageContaining("/gateway/routing/policy");
        assertThatThrownBy(() -> Chart.render("dev.yaml", Map.of("gateway.replicas", "3")))
                .hasMessageContaining("replicas");
        assertThat(Chart.render("dev.yaml", Map.of("global.storageClass", "fast")).kinds())
                .as("global takes other charts' keys when this one is a subchart").contains("Deployment");
        assertThatThrownBy(() -> Chart.render(List.of(), Map.of()))
                .hasMessageContaining("VALUES VALIDATION").hasMessageContaining("assertion.existingSecret")
                .hasMessageContaining("oauth2.issuerUri");
        assertThatThrownBy(() -> Chart.render("dev.yaml", Map.of("redis.enabled", "false")))
                .hasMessageContaining("externalRedis.host");
        assertThatThrownBy(() -> Chart.render("dev.yaml", Map.of("cells.engine.kind", "vllm")))
                .hasMessageContaining("cells.engine.vllm.model");
        assertThatThrownBy(() -> Chart.render("dev.yaml", Map.of("oauth2.issuerUri", "https://idp.example.com")))
                .hasMessageContaining("either oauth2.issuerUri or oauth2.publicKeySecret");
        assertThatThrownBy(() -> Chart.render("production.yaml", Map.of("externalRedis.mode", "cluster")))
                .hasMessageContaining("externalRedis.cluster.nodes");
    }

    private static List<String> callers(Chart.Rendered rendered, String component, int port) {
        NetworkPolicy policy = rendered.one(NetworkPolicy.class, PREFIX + component);
        return policy.getSpec().getIngress().stream()
                .filter(rule -> rule.getPorts().stream().anyMatch(p -> p.getPort().getIntVal() == port))
                .map(NetworkPolicyIngressRule::getFrom)
                .flatMap(List::stream)
                .map(NetworkPolicyPeer::getPodSelector)
                .map(selector -> selector.getMatchLabels().get("app.kubernetes.io/component"))
                .toList();
    }

    private static List<PodTemplateSpec> podTemplates(Chart.Rendered rendered) {
        return java.util.stream.Stream.concat(
                rendered.all(Deployment.class).stream().map(d -> d.getSpec().getTemplate()),
                rendered.all(StatefulSet.class).stream().map(s -> s.getSpec().getTemplate())).toList();
    }

    private static PodTemplateSpec podTemplate(Chart.Rendered rendered, String component) {
        return podTemplates(rendered).stream()
                .filter(t -> component.equals(t.getMetadata().getLabels().get("app.kubernetes.io/component")))
                .findFirst().orElseThrow(() -> new AssertionError("no pods of " + component));
    }

    private static Container container(Chart.Rendered rendered, String component, String name) {
        return podTemplate(rendered, component).getSpec().getContainers().stream()
                .filter(c -> c.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no container " + name + " in " + component));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> applicationYaml(Chart.Rendered rendered, String configMap) {
        return (Map<String, Object>) Chart.yaml().load(rendered.one(ConfigMap.class, configMap).getData()
                .get("application.yaml"));
    }

    @SuppressWarnings("unchecked")
    private static Object at(Map<String, Object> yaml, String... path) {
        Object node = yaml;
        for (String key : path) {
            assertThat(node).as("at %s", String.join(".", path)).isInstanceOf(Map.class);
            node = ((Map<String, Object>) node).get(key);
        }
        return node;
    }
}
