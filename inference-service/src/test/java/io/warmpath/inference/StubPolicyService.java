package io.warmpath.inference;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A stand-in for policy-service's {@code POST /v1/decisions}: answers every request alike, records each. */
final class StubPolicyService implements AutoCloseable {

    private final HttpServer server;
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    /** {@code allow} or {@code deny}. */
    volatile String decision = "allow";
    /** 0 decides; otherwise every batch answers this status. */
    volatile int failStatus;

    StubPolicyService() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        }
        catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/v1/decisions", exchange -> {
            JsonNode batch = JsonMapper.shared().readTree(exchange.getRequestBody().readAllBytes());
            int status = failStatus == 0 ? 200 : failStatus;
            StringBuilder decisions = new StringBuilder();
            for (JsonNode request : batch.path("requests").values()) {
                requests.add(request);
                decisions.append(decisions.isEmpty() ? "" : ",").append("{\"decision\":\"").append(decision)
                        .append("\",\"policies\":[\"stub-").append(decision).append("\"],\"reason\":\"stub says ")
                        .append(decision).append("\"}");
            }
            byte[] body = (status == 200 ? "{\"decisions\":[" + decisions + "]}" : "{\"status\":" + status + "}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<JsonNode> requests() {
        return requests;
    }

    void reset() {
        decision = "allow";
        failStatus = 0;
        requests.clear();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
