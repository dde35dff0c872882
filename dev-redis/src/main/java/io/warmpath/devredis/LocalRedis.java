package io.warmpath.devredis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import redis.embedded.RedisServer;

/**
 * One Redis server on 127.0.0.1, without persistence, for local runs and tests: Debian's {@code redis-server} when it
 * is installed (Redis 7, the version the services are built for), else the binary bundled with embedded-redis (Redis
 * 6.2, enough for a standalone server). Returns once the server answers {@code PING}.
 */
public final class LocalRedis implements AutoCloseable {

    private static final Duration STARTUP = Duration.ofSeconds(20);

    private final int port;
    private final String kind;
    private final AutoCloseable server;

    private LocalRedis(int port, String kind, AutoCloseable server) {
        this.port = port;
        this.kind = kind;
        this.server = server;
    }

    /** Starts a standalone server on the port; extra settings ({@code "maxmemory 64mb"}) apply to either kind. */
    public static LocalRedis start(int port, String... settings) {
        Optional<Path> installed = installedServer();
        LocalRedis redis;
        if (installed.isPresent()) {
            Process process = startInstalled(installed.get(), port, settings);
            redis = new LocalRedis(port, "redis-server (" + installed.get() + ")", () -> {
                process.destroy();
                process.waitFor();
            });
            // A server that exited at once (its port taken meanwhile, say) must not pass for whatever answers there.
            try {
                if (process.waitFor(200, TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException("redis-server exited at once (code " + process.exitValue()
                            + ") on port " + port);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        } else {
            redis = new LocalRedis(port, "embedded-redis binary", startEmbedded(port, settings));
        }
        try {
            awaitPong(port, STARTUP);
        } catch (RuntimeException e) {
            redis.close();
            throw e;
        }
        return redis;
    }

    /** Debian's {@code redis-server}, looked up on the {@code PATH} and in {@code /usr/bin}. */
    public static Optional<Path> installedServer() {
        List<Path> candidates = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                if (!dir.isBlank()) {
                    candidates.add(Path.of(dir, "redis-server"));
                }
            }
        }
        candidates.add(Path.of("/usr/bin/redis-server"));
        return candidates.stream().filter(Files::isExecutable).findFirst();
    }

    public int port() {
        return port;
    }

    /** Which server runs: for the one line a test or {@code ./warmpath up} prints. */
    public String kind() {
        return kind;
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (Exception e) {
            // Stopping a throwaway server: nothing to recover.
        }
    }

    private static Process startInstalled(Path executable, int port, String... settings) {
        List<String> command = new ArrayList<>(List.of(executable.toString(), "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"));
        for (String setting : settings) {
            String[] nameAndValue = setting.split(" ", 2);
            command.add("--" + nameAndValue[0]);
            if (nameAndValue.length > 1) {
                command.add(nameAndValue[1]);
            }
        }
        try {
            return new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static AutoCloseable startEmbedded(int port, String... settings) {
        var builder = RedisServer.newRedisServer().bind("127.0.0.1").port(port)
                .setting("save \"\"").setting("appendonly no");
        for (String setting : settings) {
            builder.setting(setting);
        }
        try {
            RedisServer server = builder.build();
            server.start();
            return server::stop;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The text of {@code INFO} (its default sections), or empty when the server does not answer. */
    static String info(int port) {
        return bulk(port, "INFO");
    }

    /** The text a command that answers with one bulk string returns, or empty when the server does not answer. */
    static String bulk(int port, String inlineCommand) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            socket.setSoTimeout(1000);
            socket.getOutputStream().write((inlineCommand + "\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            StringBuilder header = new StringBuilder();
            for (int c; (c = in.read()) != -1 && c != '\n'; ) {
                header.append((char) c);
            }
            if (header.isEmpty() || header.charAt(0) != '$') {
                return "";
            }
            int length = Integer.parseInt(header.substring(1).trim());
            return new String(in.readNBytes(length), StandardCharsets.UTF_8);
        } catch (IOException | NumberFormatException e) {
            return "";
        }
    }

    /** Waits until the bulk answer of {@code inlineCommand} contains {@code expected}. */
    static void awaitBulk(int port, String inlineCommand, String expected) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!bulk(port, inlineCommand).contains(expected)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Redis on port " + port + " never answered " + inlineCommand
                        + " with " + expected);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Waits until the server answers {@code PING}; a port still closed or a server still loading is retried. */
    static void awaitPong(int port, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                socket.setSoTimeout(1000);
                OutputStream out = socket.getOutputStream();
                out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = socket.getInputStream();
                byte[] reply = in.readNBytes(7);
                if (new String(reply, StandardCharsets.US_ASCII).startsWith("+PONG")) {
                    return;
                }
            } catch (IOException e) {
                last = e;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for Redis on port " + port, e);
            }
        }
        throw new IllegalStateException("Redis on 127.0.0.1:" + port + " did not answer PING within " + timeout, last);
    }
}
