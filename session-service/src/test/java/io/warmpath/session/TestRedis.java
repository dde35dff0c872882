package io.warmpath.session;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.warmpath.devredis.LocalCluster;
import io.warmpath.devredis.LocalRedis;
import io.warmpath.devredis.LocalSentinel;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The Redis the suite runs against, one per test JVM, shared by the test contexts, chosen by
 * {@code -Dwarmpath.test.redis}: {@code standalone} (the default: where a Docker engine answers, the Redis image
 * docker-compose.yml runs, through Testcontainers; else Debian's redis-server where installed, else the embedded-redis
 * binary), {@code sentinel} (a master, a replica and a Sentinel from Debian's redis-server; the
 * service finds the master through the Sentinel) or {@code cluster} (a Redis Cluster of three masters from Debian's
 * redis-server). The first test prints which.
 */
public final class TestRedis {

    private static final String MODE = System.getProperty("warmpath.test.redis", "standalone");

    /** The Redis service of docker-compose.yml and its image: the tests run what compose runs. */
    private static final Pattern COMPOSE_REDIS_IMAGE = Pattern.compile("(?m)^  redis:\\s*\\n\\s+image:\\s*(\\S+)");

    private static GenericContainer<?> container;
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
            registry.add("spring.data.redis.host", TestRedis::host);
        }
    }

    /** The host the writable servers are on: a container's may be another machine's (DOCKER_HOST). */
    public static synchronized String host() {
        port();
        return container != null ? container.getHost() : "127.0.0.1";
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
        if (container != null) {
            return container.getMappedPort(6379);
        }
        if (standalone != null) {
            return standalone.port();
        }
        String image = composeRedisImage();
        if (DockerClientFactory.instance().isDockerAvailable()) {
            container = new GenericContainer<>(DockerImageName.parse(image)).withExposedPorts(6379)
                    .withCommand("redis-server", "--save", "", "--appendonly", "no");
            container.start();
            System.out.println("session-service tests run against " + image + " (Testcontainers, the image of "
                    + "docker-compose.yml) at " + container.getHost() + ":" + container.getMappedPort(6379));
            Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
            return container.getMappedPort(6379);
        }
        standalone = LocalRedis.start(freePort());
        System.out.println("session-service tests run against " + standalone.kind() + " on port "
                + standalone.port() + " (no Docker engine for Testcontainers to run " + image + ")");
        Runtime.getRuntime().addShutdownHook(new Thread(standalone::close));
        return standalone.port();
    }

    private static String composeRedisImage() {
        try {
            Matcher image = COMPOSE_REDIS_IMAGE.matcher(Files.readString(Path.of("..", "docker-compose.yml")));
            if (!image.find()) {
                throw new IllegalStateException("docker-compose.yml has no redis service with an image");
            }
            return image.group(1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
