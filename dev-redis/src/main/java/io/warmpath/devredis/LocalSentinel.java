package io.warmpath.devredis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A Redis master, its replicas and one Sentinel watching them, on loopback, from Debian's {@code redis-server} (the
 * embedded binary has no Sentinel). The Sentinel declares the master down after {@code downAfter}, promotes a
 * replica and points the others at it; with two replicas, the new master has a replica again after a failover.
 */
public final class LocalSentinel implements AutoCloseable {

    public static final String MASTER_NAME = "warmpath";

    private final Path directory;
    private final int sentinelPort;
    private final int masterPort;
    private final List<Process> processes = new ArrayList<>();
    private final List<Process> replicas = new ArrayList<>();
    private Process master;

    private LocalSentinel(Path directory, int masterPort, int sentinelPort) {
        this.directory = directory;
        this.masterPort = masterPort;
        this.sentinelPort = sentinelPort;
    }

    /** Starts the master, {@code replicas} replicas and the Sentinel; fails when redis-server is not installed. */
    public static LocalSentinel start(int replicas, Duration downAfter) {
        Path executable = LocalRedis.installedServer().orElseThrow(() -> new IllegalStateException(
                "Redis Sentinel needs Debian's redis-server (apt-get install redis-server)"));
        try {
            int masterPort = LocalRedis.freePort();
            int sentinelPort = LocalRedis.freePort();
            LocalSentinel setup = new LocalSentinel(Files.createTempDirectory("warmpath-sentinel"), masterPort,
                    sentinelPort);
            setup.master = setup.server(executable, masterPort);
            LocalRedis.awaitPong(masterPort, Duration.ofSeconds(20));
            List<Integer> replicaPorts = new ArrayList<>();
            for (int i = 0; i < replicas; i++) {
                int replicaPort = LocalRedis.freePort();
                setup.replicas.add(setup.server(executable, replicaPort, "--replicaof", "127.0.0.1",
                        Integer.toString(masterPort)));
                LocalRedis.awaitPong(replicaPort, Duration.ofSeconds(20));
                replicaPorts.add(replicaPort);
            }
            // Synchronized before anyone writes: a WAIT for a replica still loading its first copy times out.
            for (int replicaPort : replicaPorts) {
                LocalRedis.awaitBulk(replicaPort, "INFO", "master_link_status:up");
            }
            // Sentinel rewrites its configuration file, so it gets one of its own.
            Path config = setup.directory.resolve("sentinel.conf");
            Files.writeString(config, String.join("\n",
                    "port " + sentinelPort,
                    "bind 127.0.0.1",
                    "dir " + setup.directory,
                    "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + masterPort + " 1",
                    "sentinel down-after-milliseconds " + MASTER_NAME + " " + downAfter.toMillis(),
                    "sentinel failover-timeout " + MASTER_NAME + " 10000",
                    "sentinel parallel-syncs " + MASTER_NAME + " 1", ""));
            setup.processes.add(new ProcessBuilder(executable.toString(), config.toString(), "--sentinel")
                    .redirectErrorStream(true).redirectOutput(setup.directory.resolve("sentinel.log").toFile())
                    .start());
            LocalRedis.awaitPong(sentinelPort, Duration.ofSeconds(20));
            // The Sentinel must know the replicas (from the master's INFO) before it can promote one.
            LocalRedis.awaitBulk(sentinelPort, "INFO", "slaves=" + replicas);
            return setup;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code spring.data.redis.sentinel.nodes}. */
    public String nodes() {
        return "127.0.0.1:" + sentinelPort;
    }

    public int masterPort() {
        return masterPort;
    }

    /** Stops ({@code SIGSTOP}) or resumes ({@code SIGCONT}) every replica: replication stalls as on a lagging host. */
    public void freezeReplicas(boolean frozen) throws IOException, InterruptedException {
        for (Process replica : replicas) {
            Process kill = new ProcessBuilder("kill", frozen ? "-STOP" : "-CONT", Long.toString(replica.pid()))
                    .inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill " + (frozen ? "-STOP" : "-CONT") + " failed");
            }
        }
    }

    /** Kills the master's process outright, as a crashed host would lose it. */
    public void killMaster() throws InterruptedException {
        master.destroyForcibly().waitFor();
    }

    @Override
    public void close() {
        for (Process process : processes.reversed()) {
            process.destroy();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Process server(Path executable, int port, String... more) throws IOException {
        List<String> command = new ArrayList<>(List.of(executable.toString(), "--port",
                Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir",
                directory.toString(), "--dbfilename", "dump-" + port + ".rdb"));
        command.addAll(List.of(more));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(directory.resolve("redis-" + port + ".log").toFile()).start();
        processes.add(process);
        return process;
    }
}
