package io.warmpath.session;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;

import io.warmpath.devredis.LocalCluster;
import io.warmpath.devredis.LocalRedis;
import io.warmpath.devredis.LocalSentinel;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The Redis the suite runs against, one per test JVM, shared by the test contexts, chosen by
 * {@code -Dwarmpath.test.redis}: {@code standalone} (the default: Debian's redis-server where installed, else the
 * embedded-redis binary), {@code sentinel} (a master, a replica and a Sentinel from Debian's redis-server; the
 * service finds the master through the Sentinel) or {@code cluster} (a Redis Cluster of three masters from Debian's
 * redis-server). The first test prints which.
 */
public final class TestRedis {

    private static final String MODE = System.getProperty("warmpath.test.redis", "standalone");

    private static LocalRedis standalone;
    private static LocalSentinel sentinel;
    private static LocalCluster cluster;

    private TestRedis() {
    }

    /** The connection properties of this run's Redis. */
    public static void register(DynamicPropertyRegistry registry) {
        if (MODE.equals("sentinel")) {
            LocalSentinel setup = sentinel();
            registry.add("spring.data.redis.sentinel.master", () -> LocalSentinel.MASTER_NAME);
            registry.add("spring.data.redis.sentinel.nodes", setup::nodes);
        } else if (MODE.equals("cluster")) {
            registry.add("spring.data.redis.cluster.nodes", cluster()::nodes);
        } else {
            registry.add("spring.data.redis.port", TestRedis::port);
        }
    }

    /** The ports of the servers that take writes: the master (under Sentinel), the masters (of a cluster). */
    public static synchronized List<Integer> writablePorts() {
        if (MODE.equals("cluster")) {
            return cluster().masterPorts();
        }
        return List.of(port());
    }

    private static synchronized int port() {
        if (MODE.equals("sentinel")) {
            return sentinel().masterPort();
        }
        if (standalone == null) {
            standalone = LocalRedis.start(freePort());
            System.out.println("session-service tests run against " + standalone.kind() + " on port "
                    + standalone.port());
            Runtime.getRuntime().addShutdownHook(new Thread(standalone::close));
        }
        return standalone.port();
    }

    private static synchronized LocalSentinel sentinel() {
        if (sentinel == null) {
            sentinel = LocalSentinel.start(1, Duration.ofSeconds(1));
            System.out.println("session-service tests run against Redis Sentinel " + sentinel.nodes()
                    + " (master on port " + sentinel.masterPort() + ", one replica)");
            Runtime.getRuntime().addShutdownHook(new Thread(sentinel::close));
        }
        return sentinel;
    }

    private static synchronized LocalCluster cluster() {
        if (cluster == null) {
            cluster = LocalCluster.start(0, Duration.ofSeconds(2));
            System.out.println("session-service tests run against a Redis Cluster of three masters " + cluster.nodes());
            Runtime.getRuntime().addShutdownHook(new Thread(cluster::close));
        }
        return cluster;
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
