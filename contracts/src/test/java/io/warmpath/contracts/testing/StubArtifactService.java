package io.warmpath.contracts.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for artifact-service's uploads ({@code PUT /v1/artifacts}) on a free loopback port: records each upload
 * whole (method, path and query, headers, body) and answers 201 with a new id, or with a scripted failing status.
 */
public final class StubArtifactService implements AutoCloseable {

    /** An upload as it arrived. */
    public record Upload(String method, String pathAndQuery, Headers headers, byte[] body) {

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final HttpServer server;
    private final BlockingQueue<Upload> uploads = new LinkedBlockingQueue<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private volatile int failureStatus;

    private StubArtifactService() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/v1/artifacts", this::handle);
        server.start();
    }

    public static StubArtifactService start() {
        return new StubArtifactService();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Answers the next {@code times} uploads with {@code status} (their bodies are still recorded). */
    public void failNext(int times, int status) {
        failureStatus = status;
        failuresLeft.set(times);
    }

    /** The next upload received, waiting up to {@code timeout}; {@code null} when none came. */
    public Upload nextUpload(Duration timeout) throws InterruptedException {
        return uploads.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Forgets what was received and scripted. */
    public void reset() {
        uploads.clear();
        failuresLeft.set(0);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        URI uri = exchange.getRequestURI();
        uploads.add(new Upload(exchange.getRequestMethod(), uri.getRawPath()
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()), exchange.getRequestHeaders(), body));
        if (failuresLeft.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
            answer(exchange, failureStatus, "{\"error\":{\"message\":\"scripted\",\"code\":\"scripted\"}}");
            return;
        }
        answer(exchange, 201, "{\"id\":\"art_" + ids.incrementAndGet() + "\"}");
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
