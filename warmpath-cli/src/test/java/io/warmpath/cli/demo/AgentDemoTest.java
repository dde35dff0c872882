package io.warmpath.cli.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the demo through the real OpenAI SDK against a small in-process stand-in for the gateway that speaks the
 * streaming chat API and models a per-session prefix cache (cached = the session's previous prompt size).
 */
class AgentDemoTest {

    @Test
    void tokenScopesCoverEveryToolTheDemoSendsSoTheGatewayKeepsThemInThePrompt() {
        List<String> toolNames = AgentScript.tools().stream().map(tool -> tool.asFunction().function().name()).toList();

        assertThat(toolNames).isNotEmpty();
        assertThat(AgentDemo.requiredScopes()).startsWith("inference:invoke")
                .containsAll(toolNames.stream().map(name -> "tools:" + name).toList())
                .hasSize(toolNames.size() + 1);
    }

    private HttpServer server;
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Long> previousPromptBySession = new HashMap<>();
    private final AtomicInteger failRequestNumber = new AtomicInteger(-1);
    private volatile boolean cacheWorks = true;

    record RecordedRequest(String path, String authorization, String session, String body) {
    }

    @BeforeEach
    void startFakeGateway() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stopFakeGateway() {
        server.stop(0);
    }

    @Test
    void interleavedSessionsReportCellsUsageAndPass() {
        List<TurnResult> streamed = new ArrayList<>();

        DemoReport report = demo(2, 3).run(streamed::add);

        assertThat(report.passed()).as(report.problems().toString()).isTrue();
        assertThat(streamed).isEqualTo(report.turns());
        assertThat(report.turns()).extracting(TurnResult::turn).containsExactly(1, 1, 2, 2, 3, 3);
        List<String> sessions = report.turns().stream().map(TurnResult::session).distinct().toList();
        assertThat(sessions).hasSize(2).allMatch(session -> session.matches("demo-[0-9a-f]{6}-[12]"));
        assertThat(report.turns()).allSatisfy(turn -> {
            assertThat(turn.cell()).isEqualTo("cell-" + turn.session().substring(turn.session().length() - 1));
            assertThat(turn.completionTokens()).isEqualTo(3);
            assertThat(turn.ttftMillis()).isGreaterThanOrEqualTo(0);
        });
        TurnResult secondTurn = report.turns().get(2);
        assertThat(secondTurn.cachedTokens()).isEqualTo(report.turns().getFirst().promptTokens());
        assertThat(secondTurn.promptTokens()).isGreaterThan(secondTurn.cachedTokens());
    }

    @Test
    void requestsLookLikeAnAgentUsingTheOpenAiApi() {
        demo(1, 2).run(turn -> { });

        assertThat(requests).hasSize(2).allSatisfy(request -> {
            assertThat(request.path()).isEqualTo("/v1/chat/completions");
            assertThat(request.authorization()).isEqualTo("Bearer test-token");
            assertThat(request.body()).contains("\"stream\":true").contains("\"include_usage\":true")
                    .contains("\"max_tokens\":48").contains("\"name\":\"query_metrics\"")
                    .contains("\"model\":\"kimi-k2.5\"");
        });
        assertThat(requests.get(0).session()).isEqualTo(requests.get(1).session()).isNotBlank();
        assertThat(requests.get(1).body()).contains("\"tool_call_id\":\"call_1\"")
                .contains("Checking the metrics.");
        assertThat(requests.get(1).body().length()).isGreaterThan(requests.get(0).body().length());
    }

    @Test
    void aMissedCacheFailsTheDemo() {
        cacheWorks = false;

        DemoReport report = demo(2, 2).run(turn -> { });

        assertThat(report.passed()).isFalse();
        assertThat(report.problems()).hasSize(2).allMatch(problem -> problem.contains("turn 2 had no cached tokens"));
    }

    @Test
    void aFailedRequestStopsItsSessionAndFailsTheDemo() {
        failRequestNumber.set(2); // turn 1 of the second session

        DemoReport report = demo(2, 3).run(turn -> { });

        assertThat(report.turns()).hasSize(4);
        TurnResult failed = report.turns().get(1);
        assertThat(failed.succeeded()).isFalse();
        assertThat(failed.error()).startsWith("HTTP 503");
        assertThat(failed.cell()).isEqualTo("cell-2");
        assertThat(report.problems()).anyMatch(problem -> problem.endsWith("ran 1 of 3 turns"));
    }

    @Test
    void anUnreachableGatewayIsAFailedTurnNotACrash() {
        server.stop(0);

        DemoReport report = demo(1, 2).run(turn -> { });

        assertThat(report.turns()).singleElement().satisfies(turn -> assertThat(turn.succeeded()).isFalse());
        assertThat(report.passed()).isFalse();
    }

    private AgentDemo demo(int sessions, int turns) {
        URI gateway = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
        DemoSettings settings = new DemoSettings(gateway, DemoSettings.DEFAULT_MODEL, sessions, turns, 48,
                Duration.ofSeconds(10));
        return new AgentDemo(settings, "test-token");
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String session = exchange.getRequestHeaders().getFirst("x-session-affinity");
        requests.add(new RecordedRequest(exchange.getRequestURI().getPath(),
                exchange.getRequestHeaders().getFirst("Authorization"), session, body));
        exchange.getResponseHeaders().add(AgentDemo.CELL_HEADER, "cell-" + session.substring(session.length() - 1));
        if (requests.size() == failRequestNumber.get()) {
            respond(exchange, 503, "application/json",
                    "{\"error\":{\"message\":\"engine unavailable\",\"type\":\"ServiceUnavailable\",\"code\":\"engine_down\"}}");
            return;
        }
        long prompt = body.length() / 4;
        long cached;
        synchronized (previousPromptBySession) {
            Long previous = previousPromptBySession.put(session, prompt);
            cached = cacheWorks && previous != null ? previous : 0;
        }
        String chunk = "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"kimi-k2.5\",";
        String events = "data: " + chunk + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n"
                + "data: " + chunk + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Checking\"}}]}\n\n"
                + "data: " + chunk + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\" the metrics.\"},"
                + "\"finish_reason\":\"length\"}]}\n\n"
                + "data: " + chunk + "\"choices\":[],\"usage\":{\"prompt_tokens\":" + prompt
                + ",\"completion_tokens\":3,\"total_tokens\":" + (prompt + 3)
                + ",\"prompt_tokens_details\":{\"cached_tokens\":" + cached + "}}}\n\n"
                + "data: [DONE]\n\n";
        respond(exchange, 200, "text/event-stream", events);
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
