package io.warmpath.devs3;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * An S3-compatible server on 127.0.0.1 for local runs and tests: S3Proxy storing objects in a directory, with AWS
 * signature v2/v4 authentication (so presigned URLs are checked as S3 checks them), run as a child process from the
 * jar bundled in this module. Returns once the server accepts connections.
 */
public final class LocalS3 implements AutoCloseable {

    /** The development credentials; never used outside loopback. */
    public static final String ACCESS_KEY = "warmpath-dev";
    public static final String SECRET_KEY = "warmpath-dev-secret";

    private static final String BUNDLED_JAR = "s3proxy.jar";
    private static final Duration STARTUP = Duration.ofSeconds(60);

    private final int port;
    private final Path directory;
    private final Process process;

    private LocalS3(int port, Path directory, Process process) {
        this.port = port;
        this.directory = directory;
        this.process = process;
    }

    /**
     * Starts a server on {@code port} that keeps its buckets in {@code directory} (created if missing); its output
     * goes to {@code log} (its directory created if missing), or is discarded when {@code null}.
     */
    public static LocalS3 start(int port, Path directory, @Nullable Path log) {
        try {
            Files.createDirectories(directory);
            if (log != null && log.getParent() != null) {
                Files.createDirectories(log.getParent());
            }
            Path config = Files.createTempFile("warmpath-s3proxy", ".properties");
            Properties properties = new Properties();
            properties.setProperty("s3proxy.endpoint", "http://127.0.0.1:" + port);
            properties.setProperty("s3proxy.authorization", "aws-v2-or-v4");
            properties.setProperty("s3proxy.identity", ACCESS_KEY);
            properties.setProperty("s3proxy.credential", SECRET_KEY);
            properties.setProperty("jclouds.provider", "filesystem-nio2");
            properties.setProperty("jclouds.filesystem.basedir", directory.toAbsolutePath().toString());
            try (var out = Files.newOutputStream(config)) {
                properties.store(out, "LocalS3");
            }
            config.toFile().deleteOnExit();
            ProcessBuilder builder = new ProcessBuilder(List.of(javaExecutable(), "-Xmx256m", "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1", "-jar", bundledJar().toString(), "--properties", config.toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(log == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.appendTo(
                            log.toFile()));
            LocalS3 s3 = new LocalS3(port, directory, builder.start());
            try {
                s3.awaitListening();
            } catch (RuntimeException e) {
                s3.close();
                throw e;
            }
            return s3;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a server on a free port with a new temporary directory, its output discarded. */
    public static LocalS3 start() {
        try {
            return start(freePort(), Files.createTempDirectory("warmpath-s3"), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    public Path directory() {
        return directory;
    }

    /** Stops the server, keeping its directory: a test can start it again on the same port and data (an outage). */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("S3Proxy exited at once (code " + process.exitValue() + ") on port "
                        + port);
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                sleep();
            }
        }
        throw new IllegalStateException("S3Proxy did not listen on port " + port + " within " + STARTUP);
    }

    /** The bundled S3Proxy jar, extracted once (per size, so a new version gets a new file) to the temp directory. */
    private static synchronized Path bundledJar() throws IOException {
        URL bundled = LocalS3.class.getResource(BUNDLED_JAR);
        if (bundled == null) {
            throw new IllegalStateException("no " + BUNDLED_JAR + " next to LocalS3: build dev-s3 with Maven");
        }
        URLConnection connection = bundled.openConnection();
        long size = connection.getContentLengthLong();
        Path target = Path.of(System.getProperty("java.io.tmpdir"), "warmpath-s3proxy-" + size + ".jar");
        if (Files.exists(target) && Files.size(target) == size) {
            return target;
        }
        Path partial = Files.createTempFile(target.getParent(), "warmpath-s3proxy", ".part");
        try (InputStream in = connection.getInputStream()) {
            Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
        return target;
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** A port nothing listens on at the moment of asking. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
