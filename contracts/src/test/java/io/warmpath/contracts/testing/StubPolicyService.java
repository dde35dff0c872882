package io.warmpath.contracts.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one stand-in for policy-service's {@code POST /v1/decisions} that tests share, on a free loopback port:
 * allows the questions a rule accepts (all by default), records every question and every call, and can answer with
 * a failing status or slowly instead.
 */
public final class StubPolicyService implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpServer server;
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final AtomicInteger calls = new AtomicInteger();
    private volatile Predicate<JsonNode> allows = request -> true;
    private volatile int failWithStatus;
    private volatile Duration delay = Duration.ZERO;
    private volatile String rawAnswer;

    private StubPolicyService() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/v1/decisions", exchange -> {
            calls.incrementAndGet();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            bodies.add(body);
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            authorizations.add(authorization == null ? "" : authorization);
            JsonNode batch = JSON.readTree(body);
            sleep(delay);
            String answer;
            int status = failWithStatus;
            if (rawAnswer != null) {
                answer = rawAnswer;
                status = status == 0 ? 200 : status;
            }
            else if (status != 0) {
                answer = "{\"error\":{\"message\":\"failing\",\"type\":\"server_error\",\"code\":\"stub\"}}";
            }
            else {
                status = 200;
                StringBuilder decisions = new StringBuilder();
                for (JsonNode request : batch.path("requests").values()) {
                    requests.add(request);
                    boolean allow = allows.test(request);
                    decisions.append(decisions.isEmpty() ? "" : ",")
                            .append("{\"decision\":\"").append(allow ? "allow" : "deny")
                            .append("\",\"policies\":[\"stub-").append(allow ? "allow" : "deny")
                            .append("\"],\"reason\":\"").append(allow ? "stub allows" : "stub denies ")
                            .append(request.path("resource").path("region").asString("")).append("\"}");
                }
                answer = "{\"decisions\":[" + decisions + "]}";
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    public static StubPolicyService start() {
        return new StubPolicyService();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Allows exactly the questions the rule accepts (each a request of the batch, as JSON). */
    public void allowWhen(Predicate<JsonNode> rule) {
        allows = rule;
    }

    /** Allows every question ({@code true}) or none. */
    public void allowAll(boolean allow) {
        allows = request -> allow;
    }

    /** Answers every batch with this status (0: decide normally). */
    public void failWith(int status) {
        failWithStatus = status;
    }

    /** Answers every batch only after this long. */
    public void delay(Duration answerAfter) {
        delay = answerAfter;
    }

    /** Answers every batch with exactly this body (status 200 unless {@link #failWith} says otherwise). */
    public void rawAnswer(String body) {
        rawAnswer = body;
    }

    /** Every batch received, as the JSON text it arrived as. */
    public List<String> bodies() {
        return bodies;
    }

    /** The {@code Authorization} header of every batch received, in order ({@code ""} when there was none). */
    public List<String> authorizations() {
        return authorizations;
    }

    /** Every question received, in order. */
    public List<JsonNode> requests() {
        return requests;
    }

    /** How many batches were received. */
    public int calls() {
        return calls.get();
    }

    /** Back to allowing everything at once, with nothing recorded. */
    public void reset() {
        allows = request -> true;
        failWithStatus = 0;
        delay = Duration.ZERO;
        rawAnswer = null;
        requests.clear();
        bodies.clear();
        authorizations.clear();
        calls.set(0);
    }

    public void stop() {
        server.stop(0);
    }

    @Override
    public void close() {
        stop();
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
