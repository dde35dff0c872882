package io.warmpath.session;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

import io.warmpath.devredis.LocalRedis;

/**
 * One real Redis server per test JVM, on a free port, shared by the test contexts: Debian's redis-server where
 * installed, else the embedded-redis binary (the first test says which).
 */
public final class TestRedis {

    private static LocalRedis server;

    private TestRedis() {
    }

    public static synchronized int port() {
        if (server == null) {
            server = LocalRedis.start(freePort());
            System.out.println("session-service tests run against " + server.kind() + " on port " + server.port());
            Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        }
        return server.port();
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
