package io.warmpath.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.warmpath.contracts.WarmpathHeaders;
import io.warmpath.system.GatewayClient.Conversation;
import io.warmpath.system.GatewayClient.Reply;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The reliability controls across the real services: {@code Idempotency-Key} through two gateways sharing Redis (a
 * repeated turn served and charged once, a stream replayed as the same events, a session created once); a client's
 * deadline ending a stream and the engine's work with it; a turn its engine refuses served by another cell and charged
 * once. The test that rests a cell runs last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReliabilitySystemIT {

    private static final String MODEL = WarmpathStack.MODEL;

    private WarmpathStack stack;
    private GatewayClient gateway;
    private GatewayClient secondGateway;
    private String token;

    @BeforeAll
    void startStack() throws Exception {
        // No waiting in the prefill lane: a second long prompt at a cell whose one place is taken is refused at once.
        stack = WarmpathStack.start("reliability", 2, 0.02, List.of("--warmpath.cell.lanes.prefill.queue=0"));
        gateway = new GatewayClient(stack.gateway().url("/"));
        secondGateway = new GatewayClient(stack.startSecondGateway().url("/"));
        token = DevCredentials.token(stack.keyDir(), "reliable", "inference:invoke", "sessions:write");
    }

    @AfterAll
    void stopStack() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aTurnRepeatedThroughEitherGatewayIsServedAndChargedOnce() throws Exception {
        JsonNode session = createSession(Map.of());
        String affinity = session.path("affinity_token").asString();
        ObjectNode turn = new Conversation(MODEL, GatewayClient.systemPrompt("agent-idempotent")).turn("Go on.");
        String body = GatewayClient.JSON.writeValueAsString(turn);
        Map<String, String> headers = Map.of(WarmpathHeaders.SESSION_AFFINITY, affinity,
                WarmpathHeaders.IDEMPOTENCY_KEY, "turn-1-" + affinity);

        Reply first = gateway.post("/v1/chat/completions", token, headers, body);
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        Reply again = awaitReplay(() -> gateway.post("/v1/chat/completions", token, headers, body));
        Reply elsewhere = awaitReplay(() -> secondGateway.post("/v1/chat/completions", token, headers, body));

        assertThat(again.body()).isEqualTo(first.body());
        assertThat(elsewhere.body()).isEqualTo(first.body());
        assertThat(elsewhere.cell()).isEqualTo(first.cell());
        JsonNode usage = settledUsage(session.path("id").asString());
        assertThat(usage.path("turns").asInt()).isEqualTo(1);
        assertThat(usage.path("prompt_tokens").asLong()).isEqualTo(first.promptTokens());
    }

    @Test
    void aRepeatedStreamIsReplayedAsTheSameEventsAndChargedOnce() throws Exception {
        JsonNode session = createSession(Map.of());
        String affinity = session.path("affinity_token").asString();
        ObjectNode turn = new Conversation(MODEL, GatewayClient.systemPrompt("agent-streamed")).streaming("Go on.");
        String body = GatewayClient.JSON.writeValueAsString(turn);
        Map<String, String> headers = Map.of(WarmpathHeaders.SESSION_AFFINITY, affinity,
                WarmpathHeaders.IDEMPOTENCY_KEY, "stream-1-" + affinity);

        Reply first = gateway.post("/v1/chat/completions", token, headers, body);
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.events()).last().isEqualTo("[DONE]");
        Reply replayed = awaitReplay(() -> secondGateway.post("/v1/chat/completions", token, headers, body));

        assertThat(replayed.body()).isEqualTo(first.body());
        assertThat(replayed.headers().get("content-type").getFirst()).startsWith("text/event-stream");
        assertThat(settledUsage(session.path("id").asString()).path("turns").asInt()).isEqualTo(1);
    }

    @Test
    void aRepeatedSessionCreationAnswersWithTheSameSession() throws Exception {
        Map<String, String> key = Map.of(WarmpathHeaders.IDEMPOTENCY_KEY, "create-" + System.nanoTime());
        JsonNode first = createSession(key);
        Reply again = awaitReplay(() -> secondGateway.post("/v1/sessions", token, key, "{\"workflow\":\"retried\"}"));

        assertThat(again.status()).isEqualTo(201);
        assertThat(again.json().path("id").asString()).isEqualTo(first.path("id").asString());
        assertThat(again.json().path("affinity_token").asString()).isEqualTo(first.path("affinity_token").asString());
        Reply otherBody = gateway.post("/v1/sessions", token, key, "{\"workflow\":\"another\"}");
        assertThat(otherBody.status()).isEqualTo(422);
    }

    @Test
    void aDeadlineEndsAStreamWithDeadlineExceededAndItsEngineStopsWorkingOnIt() throws Exception {
        ObjectNode turn = new Conversation(MODEL, "You are agent deadline.").streaming("Tell a very long story.");
        // About 13 s of generation at this time scale, against a deadline of 1.5 s.
        turn.put("max_tokens", 20_000);
        long started = System.nanoTime();

        Reply reply = gateway.post("/v1/chat/completions", token,
                Map.of(WarmpathHeaders.REQUEST_TIMEOUT_MS, "1500", WarmpathHeaders.SESSION_AFFINITY, "deadline-1"),
                GatewayClient.JSON.writeValueAsString(turn));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(reply.events()).doesNotContain("[DONE]");
        assertThat(GatewayClient.JSON.readTree(reply.events().getLast()).path("error").path("code").asString())
                .isEqualTo("deadline_exceeded");
        ServiceProcess engine = stack.engineOf(reply.cell());
        awaitEngineMetric(engine, "vllm:num_requests_running", 0);
    }

    @Test
    @Order(50)
    void aLongPromptAtACellWhosePrefillLaneIsFullIsServedByAnotherCellAndTheBusyCellStays() throws Exception {
        String affinity = "lanes-" + System.nanoTime();
        ObjectNode hello = new Conversation(MODEL, "You are agent lanes.").turn("Hello.");
        Reply first = gateway.post("/v1/chat/completions", token, Map.of(WarmpathHeaders.SESSION_AFFINITY, affinity),
                GatewayClient.JSON.writeValueAsString(hello));
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        String home = first.cell();
        // The home cell's engine holds its next request 3 s before the first token: that long prompt keeps the one
        // place of the home cell's prefill lane meanwhile.
        URI faults = stack.engineOf(home).url("/admin/faults");
        HttpClient http = HttpClient.newHttpClient();
        http.send(HttpRequest.newBuilder(faults).header("content-type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"stallMs\": 3000}")).build(),
                HttpResponse.BodyHandlers.discarding());
        ObjectNode document = new Conversation(MODEL, "You are agent lanes.")
                .turn("Summarise: " + "The quarterly report says revenue grew. ".repeat(600));
        String body = GatewayClient.JSON.writeValueAsString(document);
        double busyRetriesBefore = busyRetries();
        double ejectionsBefore = stack.gateway().metric("warmpath_gateway_cell_ejections_total");
        try {
            java.util.concurrent.CompletableFuture<Reply> holding = java.util.concurrent.CompletableFuture
                    .supplyAsync(() -> post(affinity, body));
            awaitEngineMetric(stack.engineOf(home), "vllm:num_requests_running", 1);

            Reply second = post(affinity, body);

            assertThat(second.status()).as(second.body()).isEqualTo(200);
            assertThat(second.cell()).isNotEqualTo(home);
            assertThat(holding.join().status()).isEqualTo(200);
            assertThat(holding.join().cell()).isEqualTo(home);
        } finally {
            http.send(HttpRequest.newBuilder(faults).DELETE().build(), HttpResponse.BodyHandlers.discarding());
        }
        assertThat(busyRetries()).isEqualTo(Math.max(0, busyRetriesBefore) + 1);
        // Busy is not broken: the home cell was not ejected.
        assertThat(stack.gateway().metric("warmpath_gateway_cell_ejections_total")).isEqualTo(ejectionsBefore);
        assertThat(stack.gateway().metric("warmpath_gateway_cells_healthy")).isEqualTo(2);
    }

    private double busyRetries() {
        return stack.gateway().metric("warmpath_gateway_retries_total", "cause=\"cell_busy\"", "outcome=\"retried\"");
    }

    private Reply post(String affinity, String body) {
        try {
            return gateway.post("/v1/chat/completions", token, Map.of(WarmpathHeaders.SESSION_AFFINITY, affinity),
                    body);
        } catch (Exception failed) {
            throw new IllegalStateException(failed);
        }
    }

    @Test
    @Order(100)
    void aTurnWhoseEngineRefusesItIsServedByAnotherCellAndChargedOnce() throws Exception {
        JsonNode session = createSession(Map.of());
        String affinity = session.path("affinity_token").asString();
        Conversation conversation = new Conversation(MODEL, GatewayClient.systemPrompt("agent-retried"));
        Reply first = gateway.post("/v1/chat/completions", token, Map.of(WarmpathHeaders.SESSION_AFFINITY, affinity),
                GatewayClient.JSON.writeValueAsString(conversation.turn("Begin.")));
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        conversation.answered(first);
        double retriedBefore = Math.max(0, stack.gateway().metric("warmpath_gateway_retries_total",
                "cause=\"cell_unavailable\"", "outcome=\"retried\""));
        URI faults = stack.engineOf(first.cell()).url("/admin/faults");
        HttpClient http = HttpClient.newHttpClient();
        http.send(HttpRequest.newBuilder(faults).header("content-type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"failNext\": 1, \"failStatus\": 503}")).build(),
                HttpResponse.BodyHandlers.discarding());
        try {
            Reply second = gateway.post("/v1/chat/completions", token,
                    Map.of(WarmpathHeaders.SESSION_AFFINITY, affinity, WarmpathHeaders.REQUEST_TIMEOUT_MS, "20000"),
                    GatewayClient.JSON.writeValueAsString(conversation.turn("Go on.")));

            assertThat(second.status()).as(second.body()).isEqualTo(200);
            assertThat(second.cell()).isNotEqualTo(first.cell());
        } finally {
            http.send(HttpRequest.newBuilder(faults).DELETE().build(), HttpResponse.BodyHandlers.discarding());
        }
        assertThat(stack.gateway().metric("warmpath_gateway_retries_total", "cause=\"cell_unavailable\"",
                "outcome=\"retried\"")).isEqualTo(retriedBefore + 1);
        JsonNode usage = settledUsage(session.path("id").asString());
        assertThat(usage.path("turns").asInt()).as("the refused attempt is not charged").isEqualTo(2);
    }

    private JsonNode createSession(Map<String, String> headers) throws Exception {
        Reply created = gateway.post("/v1/sessions", token, headers, "{\"workflow\":\"retried\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json();
    }

    /** The kept response is written just after the first one ends: a repeat may meet the key in use for a moment. */
    private static Reply awaitReplay(java.util.concurrent.Callable<Reply> repeat) throws Exception {
        Reply reply = repeat.call();
        for (int attempt = 0; attempt < 20 && reply.status() == 409; attempt++) {
            Thread.sleep(100);
            reply = repeat.call();
        }
        assertThat(reply.headers().get(WarmpathHeaders.IDEMPOTENT_REPLAYED.toLowerCase()))
                .as(reply.status() + " " + reply.body()).isEqualTo(List.of("true"));
        return reply;
    }

    /** Waits until the engine's own metric (at its {@code /metrics}) has the value. */
    private static void awaitEngineMetric(ServiceProcess engine, String name, double value) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        double seen = Double.NaN;
        for (int attempt = 0; attempt < 50 && seen != value; attempt++) {
            String text = http.send(HttpRequest.newBuilder(engine.url("/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            seen = text.lines().filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                    .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
            if (seen != value) {
                Thread.sleep(100);
            }
        }
        assertThat(seen).as(name).isEqualTo(value);
    }

    /** The ledger once settlement (asynchronous) has had time to count anything a repeat might have added. */
    private JsonNode settledUsage(String sessionId) throws Exception {
        JsonNode usage = null;
        for (int attempt = 0; attempt < 30; attempt++) {
            Reply reply = gateway.get("/v1/sessions/" + sessionId + "/usage", token);
            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            usage = reply.json();
            if (usage.path("turns").asInt() >= 1 && attempt >= 10) {
                break;
            }
            Thread.sleep(100);
        }
        return usage;
    }
}
