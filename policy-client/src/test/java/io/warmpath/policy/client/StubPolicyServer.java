package io.warmpath.policy.client;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpServer;

/** A stand-in for policy-service on a free loopback port: answers every batch as told, and records the bodies. */
final class StubPolicyServer implements AutoCloseable {

    private final HttpServer server;
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile String decision = "allow";
    private volatile Duration delay = Duration.ZERO;
    private volatile String rawAnswer;

    StubPolicyServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/v1/decisions", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            bodies.add(body);
            sleep(delay);
            String answer = rawAnswer != null ? rawAnswer : answerFor(countRequests(body));
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    void answer(String decision) {
        this.decision = decision;
    }

    void status(int status) {
        this.status = status;
    }

    void delay(Duration delay) {
        this.delay = delay;
    }

    /** Sends exactly this body instead of one decision per request. */
    void rawAnswer(String rawAnswer) {
        this.rawAnswer = rawAnswer;
    }

    List<String> bodies() {
        return bodies;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** A loopback port nothing listens on: "the service is down". */
    static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private String answerFor(int count) {
        StringBuilder json = new StringBuilder("{\"decisions\":[");
        for (int i = 0; i < count; i++) {
            json.append(i == 0 ? "" : ",")
                    .append("{\"decision\":\"").append(decision).append("\",\"policies\":[\"stub-")
                    .append(decision).append("\"],\"reason\":\"stub\"}");
        }
        return json.append("]}").toString();
    }

    /** Each request in a batch names exactly one action. */
    private static int countRequests(String body) {
        int count = 0;
        for (int at = body.indexOf("\"action\""); at >= 0; at = body.indexOf("\"action\"", at + 1)) {
            count++;
        }
        return count;
    }

    private static void sleep(Duration delay) {
        if (!delay.isZero()) {
            try {
                Thread.sleep(delay);
            }
            catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
