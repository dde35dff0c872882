package io.warmpath.devredis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A Redis Cluster of three masters, each with {@code replicasPerMaster} replicas, on loopback, from Debian's
 * {@code redis-server} and {@code redis-cli} (which assigns the slots and the replicas). When a master dies, its
 * replica takes over its slots once the node timeout has passed.
 */
public final class LocalCluster implements AutoCloseable {

    private static final int MASTERS = 3;
    private static final Pattern MASTER_OFFSET = Pattern.compile("master_repl_offset:(\\d+)");
    private static final Pattern REPLICA_OFFSET = Pattern.compile("slave\\d+:[^\\r\\n]*offset=(\\d+)");

    private final Path directory;
    private final Map<Integer, Process> nodes = new LinkedHashMap<>();

    private LocalCluster(Path directory) {
        this.directory = directory;
    }

    /** Starts the nodes and forms the cluster; fails when redis-server is not installed. */
    public static LocalCluster start(int replicasPerMaster, Duration nodeTimeout) {
        Path executable = LocalRedis.installedServer().orElseThrow(() -> new IllegalStateException(
                "Redis Cluster needs Debian's redis-server and redis-cli (apt-get install redis-server)"));
        Path cli = executable.resolveSibling("redis-cli");
        try {
            LocalCluster cluster = new LocalCluster(Files.createTempDirectory("warmpath-cluster"));
            for (int i = 0; i < MASTERS * (1 + replicasPerMaster); i++) {
                int port = LocalRedis.freePort();
                cluster.nodes.put(port, cluster.node(executable, port, nodeTimeout));
            }
            for (int port : cluster.nodes.keySet()) {
                LocalRedis.awaitPong(port, Duration.ofSeconds(20));
            }
            List<String> create = new ArrayList<>(List.of(cli.toString(), "--cluster", "create"));
            cluster.nodes.keySet().forEach(port -> create.add("127.0.0.1:" + port));
            create.addAll(List.of("--cluster-replicas", Integer.toString(replicasPerMaster), "--cluster-yes"));
            Process forming = new ProcessBuilder(create).redirectErrorStream(true)
                    .redirectOutput(cluster.directory.resolve("create.log").toFile()).start();
            if (!forming.waitFor(60, TimeUnit.SECONDS) || forming.exitValue() != 0) {
                forming.destroyForcibly();
                throw new IllegalStateException("redis-cli --cluster create failed: "
                        + Files.readString(cluster.directory.resolve("create.log")));
            }
            for (int port : cluster.nodes.keySet()) {
                LocalRedis.awaitBulk(port, "CLUSTER INFO", "cluster_state:ok");
            }
            // Every replica synchronized before anyone writes.
            for (int port : cluster.nodes.keySet()) {
                String info = LocalRedis.info(port);
                if (info.contains("role:slave")) {
                    LocalRedis.awaitBulk(port, "INFO", "master_link_status:up");
                }
            }
            return cluster;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code spring.data.redis.cluster.nodes}: every node, so that clients find the cluster from any of them. */
    public String nodes() {
        return nodes.keySet().stream().map(port -> "127.0.0.1:" + port).collect(Collectors.joining(","));
    }

    /** The ports of the nodes that are masters now. */
    public List<Integer> masterPorts() {
        return nodes.keySet().stream().filter(port -> LocalRedis.info(port).contains("role:master")).toList();
    }

    /** The port of the master that serves {@code slot} now. */
    public int masterOf(int slot) {
        for (int port : masterPorts()) {
            for (String line : LocalRedis.bulk(port, "CLUSTER NODES").split("\n")) {
                String[] fields = line.trim().split(" ");
                if (fields.length < 9 || !fields[2].contains("myself") || !fields[2].contains("master")) {
                    continue;
                }
                for (int i = 8; i < fields.length; i++) {
                    String[] range = fields[i].split("-");
                    int first = Integer.parseInt(range[0]);
                    int last = range.length > 1 ? Integer.parseInt(range[1]) : first;
                    if (slot >= first && slot <= last) {
                        return port;
                    }
                }
            }
        }
        throw new IllegalStateException("No master serves slot " + slot);
    }

    /** Waits until every replica has every write its master took so far. */
    public void awaitReplication() {
        for (int port : masterPorts()) {
            String info = LocalRedis.bulk(port, "INFO replication");
            Matcher offset = MASTER_OFFSET.matcher(info);
            if (!offset.find()) {
                continue;
            }
            long target = Long.parseLong(offset.group(1));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!caughtUp(info, target)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("The replicas of port " + port + " never caught up");
                }
                pause();
                info = LocalRedis.bulk(port, "INFO replication");
            }
        }
    }

    /** Kills a node's process outright, as a crashed host would lose it. */
    public void kill(int port) throws InterruptedException {
        Process node = nodes.get(port);
        if (node == null) {
            throw new IllegalArgumentException("No node of this cluster on port " + port);
        }
        node.destroyForcibly().waitFor();
    }

    @Override
    public void close() {
        for (Process node : nodes.values()) {
            node.destroy();
            try {
                node.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Process node(Path executable, int port, Duration nodeTimeout) throws IOException {
        List<String> command = List.of(executable.toString(), "--port", Integer.toString(port), "--bind",
                "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", directory.toString(), "--dbfilename",
                "dump-" + port + ".rdb", "--cluster-enabled", "yes", "--cluster-config-file",
                "nodes-" + port + ".conf", "--cluster-node-timeout", Long.toString(nodeTimeout.toMillis()));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(directory.resolve("redis-" + port + ".log").toFile()).start();
    }

    private static boolean caughtUp(String replicationInfo, long masterOffset) {
        return REPLICA_OFFSET.matcher(replicationInfo).results()
                .allMatch(replica -> Long.parseLong(replica.group(1)) >= masterOffset);
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
