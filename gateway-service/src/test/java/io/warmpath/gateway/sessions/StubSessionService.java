package io.warmpath.gateway.sessions;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A fake session-service on a random port, as the sessions contract describes its internal API: resolves tokens and
 * implicit values per tenant, stores bindings with compare-and-set on the epoch, and records every binding write and
 * every public {@code /v1/sessions} call it is sent.
 */
public final class StubSessionService {

    /** A binding write as the gateway sent it. */
    public record BindingPut(String sessionId, String cellId, String model, Long expectedEpoch, String reason,
            String tenant) {
    }

    /** A public API call as the gateway forwarded it: method, path and lower-case headers. */
    public record PublicCall(String method, String path, Map<String, String> headers) {
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final int port;
    private volatile HttpServer server;
    private volatile long delayMillis;
    private volatile boolean refuseResolutions;
    private volatile boolean overloaded;
    private final Map<String, Session> sessionsById = new ConcurrentHashMap<>();
    private final Map<String, String> sessionIdByToken = new ConcurrentHashMap<>();
    private final Map<String, String> sessionIdByImplicitKey = new ConcurrentHashMap<>();
    private final List<BindingPut> bindingPuts = new CopyOnWriteArrayList<>();
    private final List<PublicCall> publicCalls = new CopyOnWriteArrayList<>();
    private final AtomicInteger resolveCalls = new AtomicInteger();

    private StubSessionService() {
        this.server = listen(0);
        this.port = server.getAddress().getPort();
    }

    public static StubSessionService start() {
        return new StubSessionService();
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Stops listening: connections are refused until {@link #restart()}. */
    public void stop() {
        server.stop(0);
    }

    public void restart() {
        server = listen(port);
    }

    /** Delays every answer, to make the gateway's timeout fire. */
    public void delay(long millis) {
        this.delayMillis = millis;
    }

    /** Answers every resolution 401, as session-service does when the trusted tenant header is missing or malformed. */
    public void refuseResolutions(boolean enabled) {
        this.refuseResolutions = enabled;
    }

    /** Answers every resolution 503 {@code session_service_overloaded}, as session-service does when it sheds load. */
    public void overloaded(boolean enabled) {
        this.overloaded = enabled;
    }

    /** Creates a token session (as {@code POST /v1/sessions} would) and returns its affinity token. */
    public String createTokenSession(String tenant, String workflow) {
        String token = "wpt_" + UUID.randomUUID().toString().replace("-", "");
        Session session = new Session(newSessionId(), tenant, workflow, false);
        sessionsById.put(session.id, session);
        sessionIdByToken.put(token, session.id);
        return token;
    }

    /** Revokes a token, as closing its session or rotating it away would: it no longer resolves. */
    public void revoke(String token) {
        sessionIdByToken.remove(token);
    }

    /** Gives a session a data class and a pinned region (null: none), as {@code POST /v1/sessions} could. */
    public void classify(String sessionId, String dataClass, String region) {
        Session session = sessionsById.get(sessionId);
        session.dataClass = dataClass;
        session.region = region;
    }

    public String sessionIdOfToken(String token) {
        return sessionIdByToken.get(token);
    }

    public String sessionIdOfImplicit(String tenant, String value) {
        return sessionIdByImplicitKey.get(tenant + '\n' + value);
    }

    /** The bound cell of a session, or null. */
    public String boundCell(String sessionId) {
        Session session = sessionsById.get(sessionId);
        return session == null ? null : session.cellId;
    }

    public long epoch(String sessionId) {
        return sessionsById.get(sessionId).epoch;
    }

    /** What settling a turn does to the binding: the cell now holds this many prompt tokens. */
    public void settle(String sessionId, long promptTokens) {
        sessionsById.get(sessionId).lastPromptTokens = promptTokens;
    }

    public List<BindingPut> bindingPuts() {
        return List.copyOf(bindingPuts);
    }

    public List<BindingPut> bindingPuts(String sessionId) {
        return bindingPuts.stream().filter(put -> put.sessionId().equals(sessionId)).toList();
    }

    public List<PublicCall> publicCalls() {
        return List.copyOf(publicCalls);
    }

    public int resolveCalls() {
        return resolveCalls.get();
    }

    private HttpServer listen(int onPort) {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", onPort), 0);
            http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            http.createContext("/internal/resolve", this::resolve);
            http.createContext("/internal/sessions/", this::bind);
            http.createContext("/v1/sessions", this::publicApi);
            http.start();
            return http;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void resolve(HttpExchange exchange) throws IOException {
        pause();
        resolveCalls.incrementAndGet();
        String tenant = exchange.getRequestHeaders().getFirst("x-warmpath-tenant");
        if (overloaded) {
            json(exchange, 503, "{\"error\":{\"message\":\"busy\",\"type\":\"server_error\","
                    + "\"code\":\"session_service_overloaded\"}}");
            return;
        }
        if (tenant == null || refuseResolutions) {
            json(exchange, 401, "{\"title\":\"no tenant\"}");
            return;
        }
        JsonNode request = JSON.readTree(exchange.getRequestBody().readAllBytes());
        String affinity = request.get("affinity").asString();
        String workflow = request.hasNonNull("workflow") ? request.get("workflow").asString() : null;
        if (workflow != null && !workflow.matches("[a-z0-9._-]{1,64}")) {
            json(exchange, 400, "{\"title\":\"invalid workflow\"}");
            return;
        }
        Session session;
        if (affinity.startsWith("wpt_")) {
            String id = sessionIdByToken.get(affinity);
            session = id == null ? null : sessionsById.get(id);
            if (session == null || !session.tenant.equals(tenant)) {
                json(exchange, 404, "{\"error\":{\"message\":\"no such session\",\"type\":\"invalid_request_error\","
                        + "\"code\":\"session_not_found\"}}");
                return;
            }
        } else {
            String id = sessionIdByImplicitKey.computeIfAbsent(tenant + '\n' + affinity, key -> {
                Session created = new Session(newSessionId(), tenant, workflow, true);
                sessionsById.put(created.id, created);
                return created.id;
            });
            session = sessionsById.get(id);
        }
        if (workflow != null && session.workflow != null && !workflow.equals(session.workflow)) {
            json(exchange, 403, "{\"error\":{\"message\":\"workflow mismatch\",\"type\":\"invalid_request_error\","
                    + "\"code\":\"workflow_mismatch\"}}");
            return;
        }
        ObjectNode body = JSON.createObjectNode()
                .put("session_id", session.id)
                .put("tenant", session.tenant)
                .put("workflow", session.workflow)
                .put("implicit", session.implicit)
                .put("data_class", session.dataClass)
                .put("region", session.region);
        // Token sessions here have a budget; implicit ones have none (no tenant defaults).
        body.putObject("budgets")
                .put("max_context_tokens", (Integer) null)
                .put("max_growth_tokens_per_turn", (Integer) null)
                .put("max_total_tokens", session.implicit ? null : 100_000L)
                .put("max_cost_usd", (Double) null);
        synchronized (session) {
            if (session.cellId == null) {
                body.putNull("binding");
            } else {
                body.set("binding", session.bindingJson());
            }
        }
        json(exchange, 200, JSON.writeValueAsString(body));
    }

    private void bind(HttpExchange exchange) throws IOException {
        pause();
        // /internal/sessions/{id}/binding
        String[] parts = exchange.getRequestURI().getPath().split("/");
        if (!"PUT".equals(exchange.getRequestMethod()) || parts.length != 5 || !"binding".equals(parts[4])) {
            json(exchange, 404, "{}");
            return;
        }
        Session session = sessionsById.get(parts[3]);
        if (session == null) {
            json(exchange, 404, "{}");
            return;
        }
        JsonNode request = JSON.readTree(exchange.getRequestBody().readAllBytes());
        Long expected = request.hasNonNull("expected_epoch") ? request.get("expected_epoch").asLong() : null;
        bindingPuts.add(new BindingPut(session.id, request.get("cell_id").asString(), request.get("model").asString(),
                expected, request.get("reason").asString(), exchange.getRequestHeaders().getFirst("x-warmpath-tenant")));
        String answer;
        synchronized (session) {
            if (expected != null && expected != session.epoch) {
                json(exchange, 409, "{\"title\":\"epoch moved\"}");
                return;
            }
            session.cellId = request.get("cell_id").asString();
            session.model = request.get("model").asString();
            session.epoch++;
            answer = JSON.writeValueAsString(session.bindingJson());
        }
        json(exchange, 200, answer);
    }

    private void publicApi(HttpExchange exchange) throws IOException {
        Map<String, String> headers = new ConcurrentHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(), values.getFirst()));
        publicCalls.add(new PublicCall(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), headers));
        exchange.getRequestBody().readAllBytes();
        if ("DELETE".equals(exchange.getRequestMethod())) {
            // Closing a session revokes its token.
            String closed = exchange.getRequestURI().getPath().substring("/v1/sessions/".length());
            sessionIdByToken.values().removeIf(closed::equals);
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
            return;
        }
        int status = "POST".equals(exchange.getRequestMethod()) && "/v1/sessions".equals(exchange.getRequestURI().getPath())
                ? 201 : 200;
        json(exchange, status, "{\"id\":\"ses_stub\",\"workflow\":\"code-review\"}");
    }

    private void pause() {
        long millis = delayMillis;
        if (millis > 0) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String newSessionId() {
        return "ses_" + UUID.randomUUID().toString().replace("-", "").substring(0, 26).toUpperCase();
    }

    private static void json(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static final class Session {
        final String id;
        final String tenant;
        final String workflow;
        final boolean implicit;
        volatile String dataClass = "internal";
        volatile String region;
        String cellId;
        String model;
        long epoch;
        volatile long lastPromptTokens;

        Session(String id, String tenant, String workflow, boolean implicit) {
            this.id = id;
            this.tenant = tenant;
            this.workflow = workflow;
            this.implicit = implicit;
        }

        ObjectNode bindingJson() {
            return JSON.createObjectNode()
                    .put("cell_id", cellId)
                    .put("model", model)
                    .put("bound_at", "2026-01-01T00:00:00Z")
                    .put("epoch", epoch)
                    .put("last_prompt_tokens", lastPromptTokens);
        }
    }
}
