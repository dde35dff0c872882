package io.warmpath.gateway;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A tool (or any upstream) on a random loopback port that counts and records every request it gets. Paths answer
 * as registered with {@link #on}; anything else gets a small JSON body.
 */
final class ToolServer {

    private final HttpServer server;
    private final AtomicInteger hits = new AtomicInteger();
    private final Map<String, String> lastHeaders = new ConcurrentHashMap<>();
    private volatile String lastBody = "";
    private volatile String lastUri = "";

    private ToolServer() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        on("/", (exchange, body) -> respond(exchange, 200, "application/json", "{\"ok\":true}"));
        server.start();
    }

    static ToolServer start() {
        return new ToolServer();
    }

    /** Answers requests to {@code path} with {@code handler}, after recording them. */
    ToolServer on(String path, Handler handler) {
        server.createContext(path, exchange -> handler.handle(exchange, record(exchange)));
        return this;
    }

    /** Answers one request; the body has been read already. */
    @FunctionalInterface
    interface Handler {
        void handle(HttpExchange exchange, String body) throws IOException;
    }

    int port() {
        return server.getAddress().getPort();
    }

    int hits() {
        return hits.get();
    }

    String lastBody() {
        return lastBody;
    }

    String lastUri() {
        return lastUri;
    }

    /** A header of the latest request, by lower-case name; null when absent. */
    String lastHeader(String name) {
        return lastHeaders.get(name);
    }

    void stop() {
        server.stop(0);
    }

    private String record(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        lastBody = body;
        lastUri = exchange.getRequestURI().toString();
        lastHeaders.clear();
        exchange.getRequestHeaders().forEach((name, values) -> lastHeaders.put(name.toLowerCase(), values.getFirst()));
        hits.incrementAndGet();
        return body;
    }

    static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
