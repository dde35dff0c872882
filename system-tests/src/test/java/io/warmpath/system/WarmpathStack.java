package io.warmpath.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.warmpath.cli.token.DevAssertionKeys;
import io.warmpath.devredis.LocalRedis;
import io.warmpath.devs3.LocalS3;

/**
 * The suite as {@code ./warmpath up} runs it, each service a separate JVM on a free port: a Redis server, the
 * session service, the policy service with its default policies, an S3 server (S3Proxy) and the artifact service
 * with two regions' buckets on it ({@code local} and {@code eu}), N engine simulators with one inference cell in
 * front of each, and the gateway with a development signing key. The gateway reads its cells from a file, so tests
 * can add cells while it runs.
 */
final class WarmpathStack implements AutoCloseable {

    static final String MODEL = "kimi-k2.5";
    static final String AUDIT_BUCKET = "warmpath-audit";
    /** A tenant held to 4 requests a minute on every gateway of the stack. */
    static final String RATE_LIMITED_TENANT = "rate-limited";
    /** A tenant held to 3000 tokens a minute on every gateway of the stack. */
    static final String TOKEN_LIMITED_TENANT = "token-limited";
    /** A tenant that may have 2 implicit sessions open at once. */
    static final String SESSION_CAPPED_TENANT = "session-capped";
    private static final Duration STARTUP = Duration.ofSeconds(120);

    private final Path workDir;
    private final Path logs;
    private final double timeScale;
    private final Map<String, ServiceProcess> engines = new LinkedHashMap<>();
    private final Map<String, ServiceProcess> cells = new LinkedHashMap<>();
    private final List<String> cellEntries = new ArrayList<>();
    private int redisPort;
    private LocalRedis redis;
    private ServiceProcess sessions;
    private ServiceProcess policy;
    private ServiceProcess artifacts;
    private int s3Port;
    /** Chosen before the cells start: they ask the gateway for their checkpoints' summaries. */
    private int gatewayPort;
    private LocalS3 s3;
    private ServiceProcess gateway;
    private final List<ServiceProcess> extraGateways = new ArrayList<>();
    /** Every cell's own extra arguments (a test's configuration). */
    private List<String> cellArgs = List.of();

    private WarmpathStack(Path workDir, Path logs, double timeScale) {
        this.workDir = workDir;
        this.logs = logs;
        this.timeScale = timeScale;
    }

    /**
     * @param name names the directory, under {@code target/system-logs}, that keeps every service's log
     */
    /** The small, cheap model of the routing alias {@value #ROUTING_ALIAS} ({@link #addLightCell()} serves it). */
    static final String LIGHT_MODEL = "llama-3.1-8b-instruct";
    /** The gateway's routing alias: {@link #MODEL} or {@link #LIGHT_MODEL}, whichever a turn costs less on. */
    static final String ROUTING_ALIAS = "auto";

    /** The tenant the cells' checkpoint summaries are asked as. */
    static final String CHECKPOINTS_TENANT = "warmpath-checkpoints";

    /** The turns with tools over which the stack's session-service judges a workflow's tools. */
    static final int TOOL_TRIMMING_WINDOW = 4;

    static WarmpathStack start(String name, int cellCount, double timeScale) throws Exception {
        return start(name, cellCount, timeScale, List.of());
    }

    /** @param cellArgs arguments every cell gets besides the stack's own */
    static WarmpathStack start(String name, int cellCount, double timeScale, List<String> cellArgs) throws Exception {
        Path workDir = Files.createTempDirectory("warmpath-system");
        DevCredentials.createKeys(workDir);
        WarmpathStack stack = new WarmpathStack(workDir, Path.of("target", "system-logs", name), timeScale);
        stack.cellArgs = List.copyOf(cellArgs);
        try {
            stack.redisPort = ServiceProcess.freePort();
            stack.startRedis();
            stack.s3Port = ServiceProcess.freePort();
            stack.startS3();
            stack.policy = stack.service("policy", "policy-service", stack.verifiesAssertions(
                    stack.auditShippingArgs()));
            stack.sessions = stack.service("sessions", "session-service", stack.verifiesAssertions(
                    "--spring.data.redis.port=" + stack.redisPort,
                    "--warmpath.session.policy.url=" + stack.policyUrl(),
                    "--warmpath.session.policy.deadline=5s",
                    "--warmpath.session.tenant-defaults." + SESSION_CAPPED_TENANT + ".max-open-implicit-sessions=2",
                    // SessionSystemIT's workflow earns its trimmed tool set in a few turns.
                    "--warmpath.session.tool-trimming.window=" + TOOL_TRIMMING_WINDOW));
            stack.artifacts = stack.service("artifacts", "artifact-service", stack.verifiesAssertions(
                    stack.artifactStoreArgs()));
            stack.gatewayPort = ServiceProcess.freePort();
            for (int i = 1; i <= cellCount; i++) {
                stack.launchCell("cell-" + i);
            }
            stack.writeCellsFile();
            stack.gateway = stack.service("gateway", "gateway-service", stack.gatewayPort, stack.gatewayArgs());

            for (ServiceProcess cell : stack.cells.values()) {
                cell.awaitReady(STARTUP);
            }
            stack.sessions.awaitReady(STARTUP);
            stack.policy.awaitReady(STARTUP);
            stack.artifacts.awaitReady(STARTUP);
            stack.gateway.awaitReady(STARTUP);
            stack.awaitHealthyCells(cellCount);
            return stack;
        } catch (Exception | Error e) {
            stack.close();
            throw e;
        }
    }

    Path logs() {
        return logs;
    }

    Path keyDir() {
        return workDir;
    }

    ServiceProcess gateway() {
        return gateway;
    }

    ServiceProcess policy() {
        return policy;
    }

    ServiceProcess sessions() {
        return sessions;
    }

    ServiceProcess artifacts() {
        return artifacts;
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

    /** Scale-out: starts a new engine and cell, adds it to the gateway's cells file, and waits until it is routed to. */
    String addCell() throws Exception {
        String cellId = "cell-" + (cells.size() + 1);
        launchCell(cellId);
        cells.get(cellId).awaitReady(STARTUP);
        writeCellsFile();
        awaitHealthyCells(cells.size());
        return cellId;
    }

    /** Starts a cell of {@link #LIGHT_MODEL} and waits until it is routed to; returns its id. */
    String addLightCell() throws Exception {
        String cellId = "cell-" + (cells.size() + 1);
        launchCell(cellId, LIGHT_MODEL);
        cells.get(cellId).awaitReady(STARTUP);
        writeCellsFile();
        awaitHealthyCells(cells.size());
        return cellId;
    }

    /** Stops one cell's inference-service, leaving its engine up: the gateway must route around it. */
    void stopCell(String cellId) throws InterruptedException {
        cells.get(cellId).close();
    }

    void stopRedis() {
        redis.close();
    }

    void startRedis() {
        redis = LocalRedis.start(redisPort);
    }

    /** An S3 outage: the server stops, its data stays for {@link #startS3()}. */
    void stopS3() {
        s3.close();
    }

    void startS3() {
        s3 = LocalS3.start(s3Port, workDir.resolve("s3"), logs.resolve("s3.log"));
    }

    /**
     * A second gateway beside the first, as a scaled-out deployment runs it: same keys, cells and services. Stopped
     * with the stack.
     */
    ServiceProcess startSecondGateway() throws Exception {
        ServiceProcess second = service("gateway-2", "gateway-service", gatewayArgs());
        extraGateways.add(second);
        second.awaitReady(STARTUP);
        return second;
    }

    private List<String> gatewayArgs() {
        return List.of(
                "--spring.security.oauth2.resourceserver.jwt.public-key-location=file:"
                        + workDir.resolve("dev-public-key.pem").toAbsolutePath(),
                "--warmpath.gateway.assertions.signing-key-location=file:"
                        + workDir.resolve(DevAssertionKeys.SIGNING_KEY_FILE).toAbsolutePath(),
                "--warmpath.gateway.cells-file=" + cellsFile().toAbsolutePath(),
                "--warmpath.gateway.sessions.url=" + sessionsUrl(),
                "--warmpath.gateway.artifacts.url=http://127.0.0.1:" + artifacts.port(),
                "--warmpath.gateway.policy.url=" + policyUrl(),
                // CI machines are small and busy: a decision that is merely slow must not fail closed here.
                "--warmpath.gateway.policy.deadline=5s",
                "--warmpath.gateway.health.probe-interval=300ms",
                // A revoked API key stops working within this (SessionSystemIT waits for it).
                "--warmpath.gateway.keys.cache-ttl=1s",
                // Rate limits are shared through the stack's Redis; RateLimitSystemIT's tenants have tight ones.
                "--spring.data.redis.port=" + redisPort,
                "--warmpath.gateway.limits.tenants." + RATE_LIMITED_TENANT + ".requests-per-minute=4",
                "--warmpath.gateway.limits.tenants." + TOKEN_LIMITED_TENANT + ".tokens-per-minute=3000",
                "--warmpath.gateway.models.routing." + ROUTING_ALIAS + ".default-model=" + MODEL,
                "--warmpath.gateway.models.routing." + ROUTING_ALIAS + ".light-model=" + LIGHT_MODEL);
    }

    /** policy-service ships its audit records to the audit bucket, quickly enough for a test to wait for them. */
    private String[] auditShippingArgs() {
        String prefix = "--warmpath.policy.audit.";
        return new String[] {prefix + "bucket=" + AUDIT_BUCKET, prefix + "endpoint=" + s3.endpoint(),
                prefix + "access-key=" + LocalS3.ACCESS_KEY, prefix + "secret-key=" + LocalS3.SECRET_KEY,
                prefix + "create-bucket=true", prefix + "server-side-encryption=none", prefix + "flush-interval=1s"};
    }

    private String[] artifactStoreArgs() {
        List<String> args = new ArrayList<>(List.of("--warmpath.artifacts.policy-url=" + policyUrl(),
                "--warmpath.artifacts.policy-deadline=5s",
                // S3Proxy has no server-side encryption.
                "--warmpath.artifacts.store.server-side-encryption=none",
                "--warmpath.artifacts.retry-after=1s"));
        String audit = "--warmpath.artifacts.store.audit.";
        args.addAll(List.of(audit + "endpoint=" + s3.endpoint(), audit + "bucket=" + AUDIT_BUCKET,
                audit + "access-key=" + LocalS3.ACCESS_KEY, audit + "secret-key=" + LocalS3.SECRET_KEY));
        for (String region : List.of("local", "eu")) {
            String prefix = "--warmpath.artifacts.store.regions." + region + ".";
            args.addAll(List.of(prefix + "endpoint=" + s3.endpoint(), prefix + "bucket=warmpath-artifacts-" + region,
                    prefix + "access-key=" + LocalS3.ACCESS_KEY, prefix + "secret-key=" + LocalS3.SECRET_KEY,
                    prefix + "create-bucket=true"));
        }
        return args.toArray(String[]::new);
    }

    private void launchCell(String cellId) throws IOException {
        launchCell(cellId, MODEL);
    }

    private void launchCell(String cellId, String model) throws IOException {
        int enginePort = ServiceProcess.freePort();
        engines.put(cellId, ServiceProcess.start(logs, "engine-" + cellId, "engine-sim", enginePort, enginePort,
                List.of("--port=" + enginePort, "--served-model-name=" + model,
                        "--time-scale=" + timeScale,
                        // WarmpathSystemIT injects engine faults; the admin API is off by default.
                        "--engine.admin.enabled=true")));
        List<String> args = verifiesAssertions(
                "--warmpath.cell.id=" + cellId,
                "--warmpath.cell.engine-url=http://127.0.0.1:" + enginePort,
                "--warmpath.cell.sessions-url=" + sessionsUrl(),
                "--warmpath.cell.policy-url=" + policyUrl(),
                "--warmpath.cell.transcripts.artifacts-url=http://127.0.0.1:" + artifacts.port(),
                // CI machines are small and busy: a check that is merely slow must not fail closed here.
                "--warmpath.cell.policy-deadline=5s",
                "--warmpath.cell.sessions-timeout=5s",
                // Checkpoint summaries through the stack's own gateway, as their own tenant.
                "--warmpath.cell.checkpoints.base-url=http://127.0.0.1:" + gatewayPort + "/v1",
                "--warmpath.cell.checkpoints.api-key=" + DevCredentials.token(workDir, CHECKPOINTS_TENANT,
                        "inference:invoke"),
                "--warmpath.cell.checkpoints.model=" + MODEL,
                "--warmpath.cell.checkpoints.artifacts-url=http://127.0.0.1:" + artifacts.port());
        args.addAll(cellArgs);
        ServiceProcess cell = service(cellId, "inference-service", args);
        cells.put(cellId, cell);
        cellEntries.add("{\"uri\": \"http://127.0.0.1:" + cell.port() + "\", \"cell-id\": \"" + cellId
                + "\", \"model\": \"" + model + "\", \"region\": \"local\"}");
    }

    /** A Warmpath service on free ports, its actuator on a port of its own, as deployed. */
    private ServiceProcess service(String name, String module, List<String> args) throws IOException {
        return service(name, module, ServiceProcess.freePort(), args);
    }

    private ServiceProcess service(String name, String module, int port, List<String> args) throws IOException {
        int managementPort = ServiceProcess.freePort();
        List<String> all = new ArrayList<>(List.of("--server.port=" + port,
                "--management.server.port=" + managementPort));
        all.addAll(args);
        return ServiceProcess.start(logs, name, module, port, managementPort, all);
    }

    /** The arguments of a service behind the gateway: it trusts the development assertion key. */
    private List<String> verifiesAssertions(String... args) {
        List<String> all = new ArrayList<>(List.of("--warmpath.assertion.jwk-set-location=file:"
                + workDir.resolve(DevAssertionKeys.KEY_SET_FILE).toAbsolutePath()));
        all.addAll(List.of(args));
        return all;
    }

    private String policyUrl() {
        return "http://127.0.0.1:" + policy.port();
    }

    private String sessionsUrl() {
        return "http://127.0.0.1:" + sessions.port();
    }

    private Path cellsFile() {
        return workDir.resolve("cells.json");
    }

    private void writeCellsFile() throws IOException {
        // Written whole and moved into place, as a ConfigMap update is, so the gateway never reads half a file.
        Path next = workDir.resolve("cells.json.next");
        Files.writeString(next, cellEntries.stream().collect(Collectors.joining(",\n", "[\n", "\n]\n")));
        Files.move(next, cellsFile(), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** Waits until the gateway reports at least {@code count} healthy cells in its metrics. */
    void awaitHealthyCells(int count) throws InterruptedException {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (gateway.metric("warmpath_gateway_cells_healthy") >= count) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the gateway did not see " + count + " healthy cells:\n" + gateway.logTail());
    }

    @Override
    public void close() throws InterruptedException {
        List<ServiceProcess> all = new ArrayList<>(extraGateways);
        if (gateway != null) {
            all.add(gateway);
        }
        all.addAll(cells.values());
        all.addAll(engines.values());
        if (sessions != null) {
            all.add(sessions);
        }
        if (policy != null) {
            all.add(policy);
        }
        if (artifacts != null) {
            all.add(artifacts);
        }
        for (ServiceProcess process : all) {
            process.close();
        }
        if (redis != null) {
            redis.close();
        }
        if (s3 != null) {
            s3.close();
        }
        try (Stream<Path> files = Files.walk(workDir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }
}
