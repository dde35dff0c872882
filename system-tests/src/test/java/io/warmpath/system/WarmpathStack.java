package io.warmpath.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The suite as {@code ./warmpath up} runs it: N engine simulators, one inference cell in front of each, and the
 * gateway with a development signing key, each a separate JVM on a free port.
 */
final class WarmpathStack implements AutoCloseable {

    static final String MODEL = "kimi-k2.5";

    private final Path keyDir;
    private final Map<String, ServiceProcess> engines = new LinkedHashMap<>();
    private final Map<String, ServiceProcess> cells = new LinkedHashMap<>();
    private ServiceProcess gateway;

    private WarmpathStack(Path keyDir) {
        this.keyDir = keyDir;
    }

    static WarmpathStack start(int cellCount, double timeScale) throws Exception {
        Path keyDir = Files.createTempDirectory("warmpath-system-keys");
        DevCredentials.createKeys(keyDir);
        WarmpathStack stack = new WarmpathStack(keyDir);
        try {
            List<String> discovery = new ArrayList<>();
            for (int i = 1; i <= cellCount; i++) {
                String cellId = "cell-" + i;
                int enginePort = ServiceProcess.freePort();
                int cellPort = ServiceProcess.freePort();
                stack.engines.put(cellId, ServiceProcess.start("engine-" + i, "engine-sim", enginePort, List.of(
                        "--port=" + enginePort, "--served-model-name=" + MODEL, "--time-scale=" + timeScale)));
                stack.cells.put(cellId, ServiceProcess.start(cellId, "inference-service", cellPort, List.of(
                        "--server.port=" + cellPort, "--warmpath.cell.id=" + cellId,
                        "--warmpath.cell.engine-url=http://127.0.0.1:" + enginePort)));
                String instance = "--spring.cloud.discovery.client.simple.instances.inference-cells[" + (i - 1) + "]";
                discovery.add(instance + ".uri=http://127.0.0.1:" + cellPort);
                discovery.add(instance + ".metadata.cell-id=" + cellId);
                discovery.add(instance + ".metadata.model=" + MODEL);
                discovery.add(instance + ".metadata.region=local");
            }
            int gatewayPort = ServiceProcess.freePort();
            List<String> gatewayArgs = new ArrayList<>(List.of(
                    "--server.port=" + gatewayPort,
                    "--spring.security.oauth2.resourceserver.jwt.public-key-location=file:"
                            + keyDir.resolve("dev-public-key.pem").toAbsolutePath(),
                    "--warmpath.gateway.health.probe-interval=500ms"));
            gatewayArgs.addAll(discovery);
            stack.gateway = ServiceProcess.start("gateway", "gateway-service", gatewayPort, gatewayArgs);

            Duration startup = Duration.ofSeconds(120);
            for (ServiceProcess cell : stack.cells.values()) {
                cell.awaitOk("/actuator/health/readiness", startup);
            }
            stack.gateway.awaitOk("/actuator/health/readiness", startup);
            return stack;
        } catch (Exception | Error e) {
            stack.close();
            throw e;
        }
    }

    Path keyDir() {
        return keyDir;
    }

    ServiceProcess gateway() {
        return gateway;
    }

    ServiceProcess cell(String cellId) {
        return cells.get(cellId);
    }

    ServiceProcess engineOf(String cellId) {
        return engines.get(cellId);
    }

    List<String> cellIds() {
        return List.copyOf(cells.keySet());
    }

    /** Stops one cell's inference-service, leaving its engine up: the gateway must route around it. */
    void stopCell(String cellId) throws InterruptedException {
        cells.get(cellId).close();
    }

    @Override
    public void close() throws InterruptedException {
        List<ServiceProcess> all = new ArrayList<>();
        if (gateway != null) {
            all.add(gateway);
        }
        all.addAll(cells.values());
        all.addAll(engines.values());
        for (ServiceProcess process : all) {
            process.close();
        }
        try (Stream<Path> files = Files.list(keyDir)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(keyDir);
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }
}
