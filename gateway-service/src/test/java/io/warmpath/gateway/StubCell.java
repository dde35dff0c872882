package io.warmpath.gateway;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.warmpath.contracts.UsageReport;
import io.warmpath.contracts.WarmpathHeaders;
import io.warmpath.contracts.testing.StubSessionService;
import tools.jackson.databind.JsonNode;

/**
 * A fake inference cell on a random port: answers {@code /cell/status}, {@code /v1/models} and
 * {@code /v1/chat/completions} (JSON, or SSE when the body asks to stream), always with its cell header, and
 * remembers what it was sent.
 */
final class StubCell {

    static final List<String> SSE_CHUNKS = List.of("Hel", "lo, ", "wor", "ld");
    static final long CHUNK_PAUSE_MS = 100;

    /** Characters added to each whole answer's content, to make it as large as a test needs. */
    volatile int answerPadding;

    /** The tokens the cell reports each completed turn used, as a real cell does (header or stream comment). */
    volatile long reportedTokens = 6;

    final String id;
    final String model;
    private final int port;
    private volatile boolean ready;
    private volatile boolean answer503;
    private volatile boolean markCellDown = true;
    private volatile boolean busy;
    private volatile boolean cutStreams;
    private volatile boolean dropRequests;
    private volatile HttpServer server;
    private final AtomicInteger completions = new AtomicInteger();
    private final Map<String, String> lastHeaders = new ConcurrentHashMap<>();
    private volatile String lastBody = "";

    private StubCell(String id, String model, boolean ready, int port) {
        this.id = id;
        this.model = model;
        this.ready = ready;
        this.server = listen(port);
        this.port = server.getAddress().getPort();
    }

    static StubCell start(String id, String model, boolean ready) {
        return new StubCell(id, model, ready, 0);
    }

    String uri() {
        return "http://127.0.0.1:" + port;
    }

    /** Stops listening: connections to the stub are refused until {@link #restart()}. */
    void stop() {
        server.stop(0);
    }

    void restart() {
        server = listen(port);
    }

    /** A 503 for one request, without the cell-down mark: what a cell answers when session-service is down. */
    void refuseWithUnmarked503(boolean enabled) {
        this.markCellDown = !enabled;
        this.answer503 = enabled;
    }

    void answer503(boolean enabled) {
        this.markCellDown = true;
        this.answer503 = enabled;
    }

    /** Streams end after their content with an error event and no [DONE], as a stream cut at its deadline does. */
    void cutStreams(boolean enabled) {
        this.cutStreams = enabled;
    }

    /** A 503 marked busy for each request, as a cell whose admission lane is full answers. */
    void answerBusy(boolean enabled) {
        this.busy = enabled;
    }

    /** Reads each completion request and closes the connection without answering, as a crashing cell would. */
    void dropRequests(boolean enabled) {
        this.dropRequests = enabled;
    }

    int completions() {
        return completions.get();
    }

    /** A header of the latest completion request, lower-case name; null when absent. */
    String lastHeader(String name) {
        return lastHeaders.get(name);
    }

    /** The claims of the latest completion request's assertion (unverified); empty without one. */
    JsonNode lastAssertion() {
        return StubSessionService.claimsOf(lastHeaders.get("authorization"));
    }

    /** The claims of an onward assertion of the latest completion request (unverified); empty without one. */
    JsonNode lastOnwardAssertion(String header) {
        String token = lastHeaders.get(header.toLowerCase(java.util.Locale.ROOT));
        return StubSessionService.claimsOf(token == null ? null : "Bearer " + token);
    }

    /** Makes this cell the gateway's only one (simple discovery, region {@code local}). */
    void registerAsOnlyCell(org.springframework.test.context.DynamicPropertyRegistry registry) {
        String prefix = "spring.cloud.discovery.client.simple.instances.inference-cells[0].";
        registry.add(prefix + "uri", this::uri);
        registry.add(prefix + "metadata.cell-id", () -> id);
        registry.add(prefix + "metadata.model", () -> model);
        registry.add(prefix + "metadata.region", () -> "local");
    }

    String lastBody() {
        return lastBody;
    }

    private HttpServer listen(int port) {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
            http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            http.createContext("/cell/status", this::status);
            http.createContext("/v1/models", exchange -> json(exchange, 200,
                    "{\"object\":\"list\",\"data\":[{\"id\":\"" + model + "\",\"object\":\"model\"}]}"));
            http.createContext("/v1/chat/completions", this::chat);
            http.createContext("/v1/embeddings", exchange -> {
                lastBody = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                lastHeaders.clear();
                exchange.getRequestHeaders().forEach((name, values) -> lastHeaders.put(name.toLowerCase(),
                        values.getFirst()));
                json(exchange, 200, """
                        {"object":"list","model":"%s","data":[{"index":0,"object":"embedding","embedding":[0.6,0.8]}],
                         "usage":{"prompt_tokens":2,"total_tokens":2}}""".formatted(model));
            });
            http.start();
            return http;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void status(HttpExchange exchange) throws IOException {
        json(exchange, 200, """
                {"cell_id":"%s","region":"local","models":["%s"],"ready":%s,"running":0,"waiting":0,"in_flight":0}"""
                .formatted(id, model, ready));
    }

    private void chat(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        completions.incrementAndGet();
        lastBody = body;
        lastHeaders.clear();
        exchange.getRequestHeaders().forEach((name, values) -> lastHeaders.put(name.toLowerCase(), values.getFirst()));
        if (dropRequests) {
            // Before any response headers (and before getResponseBody), close() closes the connection itself.
            exchange.close();
        } else if (busy) {
            exchange.getResponseHeaders().set("Retry-After", "3");
            exchange.getResponseHeaders().set(WarmpathHeaders.UNAVAILABLE, WarmpathHeaders.UNAVAILABLE_BUSY);
            json(exchange, 503, "{\"error\":{\"message\":\"lane full\",\"type\":\"server_error\","
                    + "\"code\":\"cell_overloaded\"}}");
        } else if (answer503) {
            exchange.getResponseHeaders().set("Retry-After", "1");
            if (markCellDown) {
                exchange.getResponseHeaders().set(WarmpathHeaders.UNAVAILABLE, WarmpathHeaders.UNAVAILABLE_ENGINE);
                json(exchange, 503, "{\"error\":{\"message\":\"engine down\",\"type\":\"server_error\","
                        + "\"code\":\"engine_unavailable\"}}");
            } else {
                json(exchange, 503, "{\"error\":{\"message\":\"session service down\",\"type\":\"server_error\","
                        + "\"code\":\"session_service_unavailable\"}}");
            }
        } else if (body.replace(" ", "").contains("\"stream\":true")) {
            stream(exchange);
        } else {
            exchange.getResponseHeaders().set(WarmpathHeaders.USAGE, UsageReport.headerValue(reportedTokens));
            json(exchange, 200, """
                    {"id":"chatcmpl-1","object":"chat.completion","model":"%s","served_by":"%s",
                     "choices":[{"index":0,"message":{"role":"assistant","content":"Hello%s"},"finish_reason":"stop"}],
                     "usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6,
                              "prompt_tokens_details":{"cached_tokens":0}}}"""
                    .formatted(model, id, ".".repeat(answerPadding)));
        }
    }

    private void stream(HttpExchange exchange) throws IOException {
        Headers headers = exchange.getResponseHeaders();
        headers.set("Content-Type", "text/event-stream");
        headers.set(WarmpathHeaders.CELL, id);
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            for (String piece : SSE_CHUNKS) {
                out.write(("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + piece + "\"}}]}\n\n")
                        .getBytes(StandardCharsets.UTF_8));
                out.flush();
                Thread.sleep(CHUNK_PAUSE_MS);
            }
            if (cutStreams) {
                out.write(("data: {\"error\":{\"message\":\"cut\",\"type\":\"server_error\","
                        + "\"code\":\"deadline_exceeded\"}}\n\n").getBytes(StandardCharsets.UTF_8));
                return;
            }
            // The turn's usage as a real cell reports it, in two writes: the gateway must find it across them.
            byte[] report = UsageReport.commentFrame(reportedTokens).getBytes(StandardCharsets.UTF_8);
            out.write(report, 0, 7);
            out.flush();
            Thread.sleep(CHUNK_PAUSE_MS);
            out.write(report, 7, report.length - 7);
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void json(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set(WarmpathHeaders.CELL, id);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
