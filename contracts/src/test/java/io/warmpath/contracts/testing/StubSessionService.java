package io.warmpath.contracts.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
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
import tools.jackson.databind.node.ObjectNode;

/**
 * The one stand-in for session-service that tests share, on a free loopback port. It speaks the internal API as
 * {@code io.warmpath.contracts.sessions.SessionServiceApi} describes it:
 * <ul>
 *   <li>resolving: tokens and implicit values per tenant, workflows, data classes; scriptable delays, 401s and
 *       overload 503s;</li>
 *   <li>bindings, with compare-and-set on the epoch, each write recorded;</li>
 *   <li>reservations, settles, releases and recorded turns, each call recorded in order ({@link #nextCall()});
 *       grants by default, with scriptable refusals, failures and stalls;</li>
 *   <li>the public {@code /v1/sessions} API, each call recorded.</li>
 * </ul>
 */
public final class StubSessionService implements AutoCloseable {

    /** A budget call (reserve, settle, release or recorded turns) as a cell sent it. */
    public record Call(String method, String path, Headers headers, JsonNode body) {
    }

    /** A binding write as the gateway sent it. */
    public record BindingPut(String sessionId, String cellId, String model, Long expectedEpoch, String reason,
            String tenant) {
    }

    /** A public API call as the gateway forwarded it: method, path and lower-case headers. */
    public record PublicCall(String method, String path, Map<String, String> headers) {
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern GRANTED_ID = Pattern.compile("/reservations/res-(\\d+)(/|$)");

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
    private final Map<String, AtomicInteger> resolveCallsByAffinity = new ConcurrentHashMap<>();
    private final Map<String, String> tenantDataClasses = new ConcurrentHashMap<>();
    private final Set<String> limitedTenants = ConcurrentHashMap.newKeySet();
    private final AtomicInteger tenantDefaultsCalls = new AtomicInteger();
    private final Map<String, JsonNode> apiKeys = new ConcurrentHashMap<>();
    private final AtomicInteger keyResolutions = new AtomicInteger();

    private final BlockingQueue<Call> calls = new LinkedBlockingQueue<>();
    private final AtomicInteger reservations = new AtomicInteger();
    /**
     * Which test a reservation belongs to: the number of resets before its reserve arrived. A reserve stalled across
     * a reset is granted in the next test's time but still belongs to the earlier one.
     */
    private final Map<String, Integer> grantedInTest = new ConcurrentHashMap<>();
    /** The test each reserve (by its request id) arrived in, to tell an earlier test's late release-by-request. */
    private final Map<String, Integer> reservedInTest = new ConcurrentHashMap<>();
    private volatile int test;
    private volatile int reserveStatus;
    private volatile String refusalBody = "";
    private volatile Duration stallReserve = Duration.ZERO;
    private volatile int followUpFailures;
    private volatile String lastGranted;
    private volatile Set<String> staleTools = Set.of();
    private volatile int toolSetStatus;
    private final Map<String, List<String>> toolSets = new ConcurrentHashMap<>();
    private final Map<String, Integer> checkpointLimits = new ConcurrentHashMap<>();
    private final Map<String, JsonNode> checkpoints = new ConcurrentHashMap<>();
    private final AtomicInteger toolSetCalls = new AtomicInteger();

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

    @Override
    public void close() {
        stop();
    }

    // Resolving and binding.

    /** Delays every resolve and bind answer, to make a caller's timeout fire. */
    public void delay(long millis) {
        this.delayMillis = millis;
    }

    /** Answers every resolution 401, as session-service does to a caller it cannot authenticate. */
    public void refuseResolutions(boolean enabled) {
        this.refuseResolutions = enabled;
    }

    /** Answers every resolution 503 {@code session_service_overloaded}, as session-service does when it sheds load. */
    public void overloaded(boolean enabled) {
        this.overloaded = enabled;
    }

    /**
     * Gives a tenant's implicit sessions, and its requests without a session, a data class (its configured
     * default); {@code internal} otherwise. Implicit sessions opened afterwards take it.
     */
    public void tenantDataClass(String tenant, String dataClass) {
        tenantDataClasses.put(tenant, dataClass);
    }

    /** Gives a tenant's implicit sessions budgets (its defaults say {@code limited}), or takes them away. */
    public void tenantLimited(String tenant, boolean limited) {
        if (limited) {
            limitedTenants.add(tenant);
        } else {
            limitedTenants.remove(tenant);
        }
    }

    /** How many times {@code GET /internal/tenant/defaults} was asked. */
    public int tenantDefaultsCalls() {
        return tenantDefaultsCalls.get();
    }

    /** Creates a token session (as {@code POST /v1/sessions} would), with a budget, and returns its affinity token. */
    public String createTokenSession(String tenant, String workflow) {
        String token = "wpt_" + UUID.randomUUID().toString().replace("-", "");
        Session session = new Session(newSessionId(), tenant, workflow, false);
        sessionsById.put(session.id, session);
        sessionIdByToken.put(token, session.id);
        return token;
    }

    /** Issues an API key of {@code tenant} with these scopes, as {@code POST /v1/keys} would; returns the key. */
    public String issueApiKey(String tenant, List<String> scopes) {
        return issueApiKey(tenant, scopes, io.warmpath.contracts.sessions.RateLimits.NONE);
    }

    /** Issues an API key with rate limits of its own. */
    public String issueApiKey(String tenant, List<String> scopes, io.warmpath.contracts.sessions.RateLimits limits) {
        String key = io.warmpath.contracts.sessions.ApiKeys.newKey();
        ObjectNode resolved = JSON.createObjectNode().put("key_id", "key_" + apiKeys.size()).put("tenant", tenant);
        resolved.set("scopes", JSON.valueToTree(scopes));
        resolved.set("limits", JSON.valueToTree(limits));
        apiKeys.put(io.warmpath.contracts.sessions.ApiKeys.hash(key), resolved);
        return key;
    }

    /** Revokes an API key: it resolves no more. */
    public void revokeApiKey(String key) {
        apiKeys.remove(io.warmpath.contracts.sessions.ApiKeys.hash(key));
    }

    /** How many times an API key was resolved. */
    public int keyResolutions() {
        return keyResolutions.get();
    }

    /** Makes a session one that records its transcript, as {@code "record_transcript": true} at creation would. */
    public void recordTranscript(String sessionId) {
        sessionsById.get(sessionId).recordTranscript = true;
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
    public void holdPromptTokens(String sessionId, long promptTokens) {
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

    /**
     * Resolutions asked for one affinity value: unlike {@link #resolveCalls()}, not moved by another test's
     * background refresh that lands late.
     */
    public int resolveCalls(String affinity) {
        AtomicInteger calls = resolveCallsByAffinity.get(affinity);
        return calls == null ? 0 : calls.get();
    }

    // Budgets.

    /** Forgets the budget calls received and every scripted behaviour: for a test's start. */
    public void reset() {
        reserveStatus = 0;
        refusalBody = "";
        stallReserve = Duration.ZERO;
        followUpFailures = 0;
        staleTools = Set.of();
        toolSetStatus = 0;
        toolSets.clear();
        checkpointLimits.clear();
        checkpoints.clear();
        synchronized (calls) {
            test++;
            calls.clear();
        }
    }

    // Tool sets.

    /**
     * The tools each session's tool set trims when it is decided (the first tool-set call for the session since the
     * last {@link #reset}): those of them its turn offers.
     */
    public void trimTools(Set<String> stale) {
        staleTools = Set.copyOf(stale);
    }

    /** Decides a session's tool set, as its first turn with tools would: resolutions name these trimmed tools. */
    public void decideToolSet(String sessionId, List<String> trimmed) {
        toolSets.put(sessionId, List.copyOf(trimmed));
    }

    // Checkpoints.

    /** Makes a session checkpoint ({@code context_policy: checkpoint}) below this context limit. */
    public void checkpointing(String sessionId, int maxContextTokens) {
        checkpointLimits.put(sessionId, maxContextTokens);
    }

    /** The session's stored checkpoint, if a cell stored one. */
    public java.util.Optional<JsonNode> checkpointOf(String sessionId) {
        return java.util.Optional.ofNullable(checkpoints.get(sessionId));
    }

    /** Answers every tool-set call with this status and an error (0: answers normally). */
    public void failToolSets(int status) {
        toolSetStatus = status;
    }

    /** Tool-set calls received, over all tests. */
    public int toolSetCalls() {
        return toolSetCalls.get();
    }

    /** Answers every reserve with this status and body (0 grants). */
    public void refuseReservations(int status, String body) {
        reserveStatus = status;
        refusalBody = body;
    }

    /** Holds every reserve this long before answering. */
    public void stallReservations(Duration stall) {
        stallReserve = stall;
    }

    /** The next {@code count} settles, releases or recorded batches answer 503 before one succeeds. */
    public void failFollowUps(int count) {
        followUpFailures = count;
    }

    /** The id of the latest reservation granted. */
    public String lastGranted() {
        return lastGranted;
    }

    /** The next budget call received, in order; fails the test when none arrives within 5 s. */
    public Call nextCall() throws InterruptedException {
        Call next = calls.poll(5, TimeUnit.SECONDS);
        if (next == null) {
            throw new AssertionError("The session service received no call");
        }
        return next;
    }

    /**
     * The next reserve ({@code POST .../reservations}), skipping any other call: a settle or release a previous test's
     * request sends after that test ended must not pass for this one's reserve.
     */
    public Call nextReserve() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            Call next = calls.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (next == null) {
                throw new AssertionError("The session service received no reserve");
            }
            if ("POST".equals(next.method()) && next.path().endsWith("/reservations")) {
                return next;
            }
        }
    }

    /**
     * The next budget call about {@code path} (a reservation's, say), skipping calls about others: a call a previous
     * test's request makes after that test ended (a release in the background) must not pass for this one's.
     */
    public Call nextCallAbout(String path) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            Call next = calls.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (next == null) {
                throw new AssertionError("The session service received no call about " + path);
            }
            if (next.path().startsWith(path)) {
                return next;
            }
        }
    }

    /** How many budget calls were received and not yet taken. */
    public int pending() {
        return calls.size();
    }

    /** The method and path of each budget call received and not yet taken, leaving them there. */
    public List<String> pendingCalls() {
        return calls.stream().map(call -> call.method() + " " + call.path()).toList();
    }

    /** The budget calls received so far and not yet taken. */
    public List<Call> drain() {
        List<Call> drained = new ArrayList<>();
        calls.drainTo(drained);
        return drained;
    }

    private HttpServer listen(int onPort) {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", onPort), 0);
            http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            http.createContext("/internal/resolve", this::resolve);
            http.createContext("/internal/keys/resolve", this::resolveKey);
            http.createContext("/internal/tenant/defaults", this::tenantDefaults);
            http.createContext("/internal/sessions/", this::sessionCall);
            http.createContext("/internal/reservations/", this::followUp);
            http.createContext("/internal/turns", this::followUp);
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
        String tenant = tenantOf(exchange);
        if (overloaded) {
            json(exchange, 503, errorJson("busy", "server_error", "session_service_overloaded"));
            return;
        }
        if (tenant == null || refuseResolutions) {
            json(exchange, 401, errorJson("unauthenticated", "authentication_error", "invalid_token"));
            return;
        }
        JsonNode request = JSON.readTree(exchange.getRequestBody().readAllBytes());
        String affinity = request.get("affinity").asString();
        resolveCallsByAffinity.computeIfAbsent(affinity, ignored -> new AtomicInteger()).incrementAndGet();
        String workflow = request.hasNonNull("workflow") ? request.get("workflow").asString() : null;
        if (workflow != null && !workflow.matches("[a-z0-9._-]{1,64}")) {
            json(exchange, 400, errorJson("invalid workflow", "invalid_request_error", "invalid_request"));
            return;
        }
        Session session;
        if (affinity.startsWith("wpt_")) {
            String id = sessionIdByToken.get(affinity);
            session = id == null ? null : sessionsById.get(id);
            if (session == null || !session.tenant.equals(tenant)) {
                json(exchange, 404, errorJson("no such session", "invalid_request_error", "session_not_found"));
                return;
            }
        } else {
            String id = sessionIdByImplicitKey.computeIfAbsent(tenant + '\n' + affinity, key -> {
                Session created = new Session(newSessionId(), tenant, workflow, true);
                created.dataClass = tenantDataClasses.getOrDefault(tenant, "internal");
                sessionsById.put(created.id, created);
                return created.id;
            });
            session = sessionsById.get(id);
        }
        if (workflow != null && session.workflow != null && !workflow.equals(session.workflow)) {
            json(exchange, 403, errorJson("workflow mismatch", "permission_error", "workflow_mismatch"));
            return;
        }
        ObjectNode body = JSON.createObjectNode()
                .put("session_id", session.id)
                .put("tenant", session.tenant)
                .put("workflow", session.workflow)
                .put("implicit", session.implicit)
                .put("data_class", session.dataClass)
                .put("region", session.region)
                // Token sessions here have a budget; implicit ones have none (no tenant defaults).
                .put("limited", !session.implicit)
                .put("record_transcript", session.recordTranscript);
        toolSets.getOrDefault(session.id, List.of()).forEach(body.putArray("trimmed_tools")::add);
        synchronized (session) {
            if (session.cellId == null) {
                body.putNull("binding");
            } else {
                body.set("binding", session.bindingJson());
            }
        }
        json(exchange, 200, JSON.writeValueAsString(body));
    }

    private void tenantDefaults(HttpExchange exchange) throws IOException {
        pause();
        tenantDefaultsCalls.incrementAndGet();
        String tenant = tenantOf(exchange);
        if (tenant == null) {
            json(exchange, 401, errorJson("unauthenticated", "authentication_error", "invalid_token"));
            return;
        }
        json(exchange, 200, JSON.writeValueAsString(JSON.createObjectNode().put("tenant", tenant)
                .put("data_class", tenantDataClasses.getOrDefault(tenant, "internal"))
                .put("limited", limitedTenants.contains(tenant))));
    }

    /** {@code /internal/sessions/{id}/binding} and {@code /internal/sessions/{id}/reservations[/by-request/{r}]}. */
    private void sessionCall(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (path.endsWith("/binding")) {
            bind(exchange);
        } else if (path.endsWith("/tool-set")) {
            toolSet(exchange);
        } else if (path.endsWith("/context") || path.endsWith("/checkpoint")) {
            context(exchange);
        } else {
            reserve(exchange);
        }
    }

    /** {@code GET .../context} and {@code PUT .../checkpoint}, first writer from each state wins. */
    private void context(HttpExchange exchange) throws IOException {
        pause();
        String[] parts = exchange.getRequestURI().getPath().split("/");
        String sessionId = parts[3];
        Integer limit = checkpointLimits.get(sessionId);
        if (exchange.getRequestURI().getPath().endsWith("/context")) {
            ObjectNode body = JSON.createObjectNode().put("context_policy", limit == null ? "refuse" : "checkpoint");
            body.put("max_context_tokens", limit);
            body.set("checkpoint", checkpoints.get(sessionId));
            json(exchange, 200, JSON.writeValueAsString(body));
            return;
        }
        if (limit == null) {
            json(exchange, 409, errorJson("not checkpointing", "invalid_request_error", "checkpoints_off"));
            return;
        }
        ObjectNode offered = (ObjectNode) JSON.readTree(exchange.getRequestBody().readAllBytes());
        offered.put("created_at", java.time.Instant.now().toString());
        JsonNode stored = checkpoints.compute(sessionId, (id, current) -> {
            int covered = current == null ? 0 : current.path("covered_messages").asInt();
            return offered.path("previous_covered").asInt() == covered
                    && offered.path("covered_messages").asInt() > covered ? offered : current;
        });
        json(exchange, 200, JSON.writeValueAsString(stored));
    }

    private void toolSet(HttpExchange exchange) throws IOException {
        pause();
        toolSetCalls.incrementAndGet();
        String[] parts = exchange.getRequestURI().getPath().split("/");
        if (!"POST".equals(exchange.getRequestMethod()) || parts.length != 5) {
            json(exchange, 404, "{}");
            return;
        }
        if (toolSetStatus > 0) {
            json(exchange, toolSetStatus, errorJson("tool sets fail", "server_error", "internal_error"));
            return;
        }
        List<String> offered = new ArrayList<>();
        JSON.readTree(exchange.getRequestBody().readAllBytes()).path("offered")
                .forEach(name -> offered.add(name.asString()));
        List<String> trimmed = toolSets.computeIfAbsent(parts[3], session -> offered.stream()
                .filter(staleTools::contains).toList());
        ObjectNode body = JSON.createObjectNode();
        trimmed.forEach(body.putArray("trimmed")::add);
        json(exchange, 200, JSON.writeValueAsString(body));
    }

    private void bind(HttpExchange exchange) throws IOException {
        pause();
        String[] parts = exchange.getRequestURI().getPath().split("/");
        if (!"PUT".equals(exchange.getRequestMethod()) || parts.length != 5) {
            json(exchange, 404, "{}");
            return;
        }
        Session session = sessionsById.get(parts[3]);
        if (session == null) {
            json(exchange, 404, errorJson("no such session", "invalid_request_error", "session_not_found"));
            return;
        }
        JsonNode request = JSON.readTree(exchange.getRequestBody().readAllBytes());
        Long expected = request.hasNonNull("expected_epoch") ? request.get("expected_epoch").asLong() : null;
        bindingPuts.add(new BindingPut(session.id, request.get("cell_id").asString(), request.get("model").asString(),
                expected, request.get("reason").asString(), tenantOf(exchange)));
        String answer;
        synchronized (session) {
            if (expected != null && expected != session.epoch) {
                json(exchange, 409, errorJson("epoch moved", "invalid_request_error", "binding_epoch_conflict"));
                return;
            }
            session.cellId = request.get("cell_id").asString();
            session.model = request.get("model").asString();
            session.epoch++;
            answer = JSON.writeValueAsString(session.bindingJson());
        }
        json(exchange, 200, answer);
    }

    private void reserve(HttpExchange exchange) throws IOException {
        int arrivedInTest = test;
        String path = exchange.getRequestURI().getPath();
        if ("DELETE".equals(exchange.getRequestMethod()) && path.contains("/reservations/by-request/")) {
            // Sent in the background when a client leaves: one can arrive after its test has ended.
            String requestId = path.substring(path.lastIndexOf('/') + 1);
            if (reservedInTest.getOrDefault(requestId, arrivedInTest) != arrivedInTest) {
                exchange.getRequestBody().readAllBytes();
            } else {
                record(exchange, arrivedInTest);
            }
            json(exchange, 204, "");
            return;
        }
        Call call = record(exchange, arrivedInTest);
        if (call.body().path("request_id").isString()) {
            reservedInTest.put(call.body().path("request_id").asString(), arrivedInTest);
        }
        if (!"POST".equals(call.method()) || !call.path().endsWith("/reservations")) {
            json(exchange, 404, "");
            return;
        }
        sleep(stallReserve);
        if (reserveStatus > 0) {
            json(exchange, reserveStatus, refusalBody);
            return;
        }
        long tokens = call.body().path("prompt_tokens").asLong() + call.body().path("max_tokens").asLong();
        String granted = "res-" + reservations.incrementAndGet();
        grantedInTest.put(granted, arrivedInTest);
        // A reserve stalled past its test's end must not pass for the grant of the test now running.
        if (arrivedInTest == test) {
            lastGranted = granted;
        }
        json(exchange, 201, """
                {"reservation_id":"%s","tokens":%d,"cost_usd":0.01,"expires_at":"2030-01-01T00:00:00Z"}"""
                .formatted(granted, tokens));
    }

    private void followUp(HttpExchange exchange) throws IOException {
        int arrivedInTest = test;
        // Settles and releases are sent in the background, so one can arrive after its test has ended.
        if (fromAnEarlierTest(exchange.getRequestURI().getPath())) {
            exchange.getRequestBody().readAllBytes();
            json(exchange, "POST".equals(exchange.getRequestMethod()) ? 200 : 204, "");
            return;
        }
        Call call = record(exchange, arrivedInTest);
        if (followUpFailures > 0) {
            followUpFailures--;
            json(exchange, 503, errorJson("store down", "server_error", "session_store_unavailable"));
            return;
        }
        if (call.path().equals("/internal/turns")) {
            StringBuilder results = new StringBuilder();
            for (JsonNode turn : call.body().path("turns").values()) {
                results.append(results.isEmpty() ? "" : ",").append("{\"turn_id\":\"turn-")
                        .append(turn.path("request_id").asString()).append("\",\"status\":\"recorded\"}");
            }
            json(exchange, 200, "{\"results\":[" + results + "]}");
            return;
        }
        boolean settle = "POST".equals(exchange.getRequestMethod());
        json(exchange, settle ? 200 : 204, settle ? "{\"reservation_id\":\"" + reservationIdOf(call.path())
                + "\",\"status\":\"settled\"}" : "");
    }

    private void publicApi(HttpExchange exchange) throws IOException {
        Map<String, String> headers = new ConcurrentHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT),
                values.getFirst()));
        publicCalls.add(new PublicCall(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), headers));
        exchange.getRequestBody().readAllBytes();
        if ("DELETE".equals(exchange.getRequestMethod())) {
            // Closing a session revokes its token.
            String closed = exchange.getRequestURI().getPath().substring("/v1/sessions/".length());
            sessionIdByToken.values().removeIf(closed::equals);
            json(exchange, 204, "");
            return;
        }
        int status = "POST".equals(exchange.getRequestMethod())
                && "/v1/sessions".equals(exchange.getRequestURI().getPath()) ? 201 : 200;
        json(exchange, status, "{\"id\":\"ses_stub\",\"workflow\":\"code-review\"}");
    }

    private boolean fromAnEarlierTest(String path) {
        Matcher id = GRANTED_ID.matcher(path);
        return id.find() && grantedInTest.getOrDefault("res-" + id.group(1), test) != test;
    }

    private static String reservationIdOf(String path) {
        Matcher id = GRANTED_ID.matcher(path);
        return id.find() ? "res-" + id.group(1) : "";
    }

    /** Records a call that arrived in test {@code arrivedInTest}: one whose test ended meanwhile is not the next's. */
    private Call record(HttpExchange exchange, int arrivedInTest) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Call call = new Call(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                exchange.getRequestHeaders(), body.isEmpty() ? MissingNode.getInstance() : JSON.readTree(body));
        synchronized (calls) {
            if (arrivedInTest == test) {
                calls.add(call);
            }
        }
        return call;
    }

    /**
     * The calling tenant, as the caller's assertion names it. A stub reads the claim without verifying the signature:
     * the services' own tests verify assertions; this one stands in for what is behind the check.
     */
    private static String tenantOf(HttpExchange exchange) {
        return claimsOf(exchange.getRequestHeaders().getFirst("Authorization")).path("tenant").asString(null);
    }

    /** The claims of a {@code Bearer} JWT, unverified; empty for anything else. */
    public static JsonNode claimsOf(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return MissingNode.getInstance();
        }
        String[] parts = authorization.substring("Bearer ".length()).split("\\.");
        if (parts.length != 3) {
            return MissingNode.getInstance();
        }
        try {
            return JSON.readTree(java.util.Base64.getUrlDecoder().decode(parts[1]));
        } catch (IllegalArgumentException | tools.jackson.core.JacksonException notAJwt) {
            return MissingNode.getInstance();
        }
    }

    private void pause() {
        long millis = delayMillis;
        if (millis > 0) {
            sleep(Duration.ofMillis(millis));
        }
    }

    private static void sleep(Duration duration) {
        if (!duration.isZero()) {
            try {
                Thread.sleep(duration);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String errorJson(String message, String type, String code) {
        return "{\"error\":{\"message\":\"" + message + "\",\"type\":\"" + type + "\",\"code\":\"" + code + "\"}}";
    }

    private static String newSessionId() {
        return "ses_" + UUID.randomUUID().toString().replace("-", "").substring(0, 26).toUpperCase(Locale.ROOT);
    }

    private void resolveKey(HttpExchange exchange) throws IOException {
        keyResolutions.incrementAndGet();
        pause();
        JsonNode request = JSON.readTree(exchange.getRequestBody().readAllBytes());
        JsonNode key = apiKeys.get(request.path("key_hash").asString());
        if (key == null) {
            json(exchange, 404, errorJson("No live key has that hash.", "invalid_request_error", "not_found"));
            return;
        }
        json(exchange, 200, JSON.writeValueAsString(key));
    }

    private static void json(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
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
        volatile boolean recordTranscript;
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
