package io.warmpath.gateway;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A stand-in for policy-service's {@code POST /v1/decisions} on a free loopback port: allows a request when the
 * configured rule says so, records every request, and can fail with a status instead.
 */
final class StubPolicyService {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpServer server;
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private volatile Predicate<JsonNode> allows = request -> true;
    private volatile int failWithStatus;

    private StubPolicyService() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/v1/decisions", exchange -> {
            JsonNode batch = JSON.readTree(exchange.getRequestBody().readAllBytes());
            String answer;
            int status = failWithStatus;
            if (status != 0) {
                answer = "{\"status\":" + status + "}";
            }
            else {
                status = 200;
                StringBuilder decisions = new StringBuilder();
                for (JsonNode request : batch.path("requests").values()) {
                    requests.add(request);
                    boolean allow = allows.test(request);
                    decisions.append(decisions.isEmpty() ? "" : ",")
                            .append("{\"decision\":\"").append(allow ? "allow" : "deny")
                            .append("\",\"policies\":[\"stub\"],\"reason\":\"")
                            .append(allow ? "stub allows" : "stub denies ")
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

    static StubPolicyService start() {
        return new StubPolicyService();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Allows exactly the requests the rule accepts (each a request of the batch, as JSON). */
    void allowWhen(Predicate<JsonNode> rule) {
        allows = rule;
    }

    /** Answers every batch with this status (0: decide normally). */
    void failWith(int status) {
        failWithStatus = status;
    }

    List<JsonNode> requests() {
        return requests;
    }

    void stop() {
        server.stop(0);
    }
}
