package io.warmpath.session;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

import redis.embedded.RedisServer;

/** One real Redis server (the embedded-redis binary) per test JVM, on a free port, shared by the test contexts. */
public final class TestRedis {

    private static RedisServer server;
    private static int port;

    private TestRedis() {
    }

    public static synchronized int port() {
        if (server == null) {
            port = freePort();
            try {
                server = RedisServer.newRedisServer().bind("127.0.0.1").port(port)
                        .setting("save \"\"").setting("appendonly no").build();
                server.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(TestRedis::stop));
        }
        return port;
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void stop() {
        try {
            server.stop();
        } catch (IOException e) {
            // The JVM is going away; nothing more to do.
        }
    }
}
