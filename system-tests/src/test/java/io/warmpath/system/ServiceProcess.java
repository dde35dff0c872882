package io.warmpath.system;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One Warmpath service started from its runnable jar as a separate JVM, the way {@code ./warmpath up} and a
 * deployment run it. Its output is kept for post-mortems.
 *
 * <p>Logs go to the directory the caller names, one file per service.
 */
final class ServiceProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final String name;
    private final int port;
    private final int managementPort;
    private final Process process;
    private final Path log;

    private ServiceProcess(String name, int port, int managementPort, Process process, Path log) {
        this.name = name;
        this.port = port;
        this.managementPort = managementPort;
        this.process = process;
        this.log = log;
    }

    /**
     * @param managementPort where its actuator listens ({@code management.server.port}, passed by the caller); the
     *                       service's own port for one without a separate actuator (engine-sim)
     */
    static ServiceProcess start(Path logs, String name, String module, int port, int managementPort,
            List<String> args) throws IOException {
        Path jar = runnableJar(module);
        Path log = Files.createDirectories(logs).resolve(name + ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "--enable-native-access=ALL-UNNAMED",
                "-jar", jar.toString()));
        command.addAll(args);
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return new ServiceProcess(name, port, managementPort, process, log);
    }

    /** The module's {@code *-exec.jar}, as the build made it. */
    static Path runnableJar(String module) {
        Path root = Path.of(System.getProperty("warmpath.root", ".."));
        Path jar = root.resolve(module).resolve("target").resolve(module + "-" + version() + "-exec.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no runnable jar for " + module + " at " + jar + "; run ./mvnw verify from the root");
        }
        return jar;
    }

    private static String version() {
        return System.getProperty("warmpath.version", "0.1.0-SNAPSHOT");
    }

    /**
     * A port free when asked, below Linux's ephemeral range (32768 and up): a port the kernel hands out for ephemeral
     * use can be taken by any outgoing connection before the service binds it (it was, once: "Port ... was already
     * in use" at stack start).
     */
    static int freePort() throws IOException {
        for (int attempt = 0; attempt < 200; attempt++) {
            int candidate = 20_000 + ThreadLocalRandom.current().nextInt(12_000);
            try (ServerSocket socket = new ServerSocket(candidate, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port found between 20000 and 32000");
    }

    String name() {
        return name;
    }

    int port() {
        return port;
    }

    URI url(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** A URL of its actuator, on the management port. */
    URI managementUrl(String path) {
        return URI.create("http://127.0.0.1:" + managementPort + path);
    }

    /** Waits until its readiness probe (on the management port) answers 200. */
    void awaitReady(Duration timeout) throws InterruptedException {
        awaitOk(managementUrl("/actuator/health/readiness"), timeout);
    }

    /** Waits until {@code path} answers 200, failing with the tail of the log if the process dies or time runs out. */
    void awaitOk(String path, Duration timeout) throws InterruptedException {
        awaitOk(url(path), timeout);
    }

    private void awaitOk(URI target, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + logTail());
            }
            try {
                HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(target)
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(name + " did not answer 200 on " + target + " within " + timeout + ":\n"
                + logTail());
    }

    /** The sum of a Prometheus metric's samples at its actuator's {@code /actuator/prometheus}, or -1 when unreadable. */
    double metric(String name) {
        return metric(name, new String[0]);
    }

    /**
     * The sum of the samples of a Prometheus metric that carry every one of {@code labels} ({@code cause="cell_busy"}),
     * or -1 when unreadable or none does.
     */
    double metric(String name, String... labels) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(managementUrl("/actuator/prometheus"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            double sum = 0;
            boolean found = false;
            for (String line : response.body().split("\n")) {
                boolean labelled = java.util.Arrays.stream(labels).allMatch(line::contains);
                if ((line.startsWith(name + " ") || line.startsWith(name + "{")) && labelled) {
                    sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                    found = true;
                }
            }
            return found ? sum : -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Stops the service the way an orchestrator does: SIGTERM, then SIGKILL if it lingers. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
