package io.warmpath.inference;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;

/**
 * A stand-in for session-service's internal reservation API that records every call: reserve
 * ({@code POST /internal/sessions/{id}/reservations}), settle ({@code POST /internal/reservations/{rid}/settle}) and
 * release ({@code DELETE /internal/reservations/{rid}}, or by request id:
 * {@code DELETE /internal/sessions/{id}/reservations/by-request/{requestId}}). Grants by default; scriptable refusals, failures and stalls.
 */
final class StubSessionService implements AutoCloseable {

    record Call(String method, String path, Headers headers, JsonNode body) {
    }

    private static final Pattern GRANTED_ID = Pattern.compile("/reservations/res-(\\d+)(/|$)");

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final JsonMapper json = JsonMapper.shared();
    private final BlockingQueue<Call> calls = new LinkedBlockingQueue<>();
    private final AtomicInteger reservations = new AtomicInteger();
    /**
     * Which test a reservation belongs to: the number of resets before its reserve call arrived. A reserve that was
     * stalled across a reset is granted in the next test's time but still belongs to the earlier one.
     */
    private final Map<String, Integer> grantedInTest = new ConcurrentHashMap<>();
    private volatile int test;

    /** 0 grants; otherwise reservations answer this status with {@link #refusalBody}. */
    volatile int reserveStatus;
    volatile String refusalBody;
    volatile Duration stallReserve;
    /** How many of the next settle or release calls answer 503 before one succeeds. */
    volatile int followUpFailures;
    /** The id of the latest reservation granted. */
    volatile String lastGranted;

    StubSessionService() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        }
        catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(executor);
        server.createContext("/internal/sessions/", this::reserve);
        server.createContext("/internal/reservations/", this::followUp);
        server.createContext("/internal/turns", this::followUp);
        reset();
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void reset() {
        reserveStatus = 0;
        refusalBody = "";
        stallReserve = Duration.ZERO;
        followUpFailures = 0;
        test++;
        calls.clear();
    }

    /** The next call received, in order. */
    Call nextCall() throws InterruptedException {
        Call next = calls.poll(5, TimeUnit.SECONDS);
        if (next == null) {
            throw new AssertionError("The session service received no call");
        }
        return next;
    }

    /** How many calls were received and not yet taken. */
    int pending() {
        return calls.size();
    }

    /** Calls received so far and not yet taken. */
    List<Call> drain() {
        var drained = new ArrayList<Call>();
        calls.drainTo(drained);
        return drained;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void reserve(HttpExchange exchange) throws IOException {
        int arrivedInTest = test;
        Call call = record(exchange);
        if ("DELETE".equals(call.method()) && call.path().contains("/reservations/by-request/")) {
            respond(exchange, 204, "");
            return;
        }
        if (!"POST".equals(call.method()) || !call.path().endsWith("/reservations")) {
            respond(exchange, 404, "");
            return;
        }
        sleep(stallReserve);
        if (reserveStatus > 0) {
            respond(exchange, reserveStatus, refusalBody);
            return;
        }
        long tokens = call.body().path("prompt_tokens").asLong() + call.body().path("max_tokens").asLong();
        lastGranted = "res-" + reservations.incrementAndGet();
        grantedInTest.put(lastGranted, arrivedInTest);
        respond(exchange, 201, """
                {"reservation_id":"%s","tokens":%d,"cost_usd":0.01,"expires_at":"2030-01-01T00:00:00Z"}"""
                .formatted(lastGranted, tokens));
    }

    private void followUp(HttpExchange exchange) throws IOException {
        // Settles and releases are sent in the background, so one can arrive after its test has ended.
        if (fromAnEarlierTest(exchange.getRequestURI().getPath())) {
            exchange.getRequestBody().readAllBytes();
            respond(exchange, "POST".equals(exchange.getRequestMethod()) ? 200 : 204, "");
            return;
        }
        record(exchange);
        if (followUpFailures > 0) {
            followUpFailures--;
            respond(exchange, 503, "{\"type\":\"about:blank\",\"status\":503}");
            return;
        }
        boolean settle = "POST".equals(exchange.getRequestMethod());
        respond(exchange, settle ? 200 : 204, settle ? "{}" : "");
    }

    private boolean fromAnEarlierTest(String path) {
        Matcher id = GRANTED_ID.matcher(path);
        return id.find() && grantedInTest.getOrDefault("res-" + id.group(1), test) != test;
    }

    private Call record(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        var call = new Call(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                exchange.getRequestHeaders(), body.isEmpty() ? MissingNode.getInstance() : json.readTree(body));
        calls.add(call);
        return call;
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void sleep(Duration duration) {
        if (!duration.isZero()) {
            try {
                Thread.sleep(duration);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
