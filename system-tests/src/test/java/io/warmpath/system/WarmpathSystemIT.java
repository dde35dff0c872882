package io.warmpath.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.warmpath.system.GatewayClient.Conversation;
import io.warmpath.system.GatewayClient.Reply;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * The whole chain on real ports: client, gateway (JWT, routing), inference cells, engine simulators. The test that
 * stops a cell runs last, since it changes the stack for everything after it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WarmpathSystemIT {

    private static final String MODEL = WarmpathStack.MODEL;

    private WarmpathStack stack;
    private GatewayClient gateway;
    private String token;

    @BeforeAll
    void startStack() throws Exception {
        stack = WarmpathStack.start("whole-chain", 3, 0.05);
        gateway = new GatewayClient(stack.gateway().url("/"));
        token = DevCredentials.token(stack.keyDir(), "acme", "inference:invoke");
    }

    @AfterAll
    void stopStack() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void sessionStaysOnItsCellAndLaterTurnsAreServedFromCache() throws Exception {
        Conversation conversation = new Conversation(MODEL, GatewayClient.systemPrompt("agent-cache"));
        Reply first = gateway.chat(token, "cache-session", conversation.turn("Find where the retry policy is configured."));
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.cell()).isIn(stack.cellIds());
        conversation.answered(first);

        for (int turn = 2; turn <= 4; turn++) {
            Reply next = gateway.chat(token, "cache-session", conversation.turn("Tool result " + turn + ": three files match. Continue."));
            assertThat(next.status()).as(next.body()).isEqualTo(200);
            assertThat(next.cell()).as("turn %d cell", turn).isEqualTo(first.cell());
            // Everything the previous turn sent is a prefix of this one: at least its whole blocks are cached.
            assertThat(next.cachedTokens()).as("cached tokens on turn %d", turn)
                    .isGreaterThanOrEqualTo(first.promptTokens() - 16)
                    .isLessThan(next.promptTokens());
            conversation.answered(next);
        }
    }

    @Test
    @Order(2)
    void differentSessionsSpreadOverCells() throws Exception {
        Set<String> cellsUsed = new HashSet<>();
        for (int session = 0; session < 24; session++) {
            Conversation conversation = new Conversation(MODEL, "You are agent " + session + ".");
            Reply reply = gateway.chat(token, "spread-" + session, conversation.turn("Hello"));
            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            cellsUsed.add(reply.cell());
        }
        assertThat(cellsUsed).containsExactlyInAnyOrderElementsOf(stack.cellIds());
    }

    @Test
    @Order(3)
    void requestsWithoutATokenOrWithoutTheScopeAreRefusedWithOpenAiErrors() throws Exception {
        ObjectNode body = new Conversation(MODEL, "You are terse.").turn("Hi");

        Reply anonymous = gateway.chat(null, "auth-session", body);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.json().path("error").path("message").asString()).isNotBlank();

        String unscoped = DevCredentials.token(stack.keyDir(), "acme", "artifacts:read");
        Reply forbidden = gateway.chat(unscoped, "auth-session", body);
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.json().path("error").path("code").asString()).isNotBlank();
    }

    @Test
    @Order(4)
    void streamWithUsageComesThroughTheWholeChain() throws Exception {
        Conversation conversation = new Conversation(MODEL, GatewayClient.systemPrompt("agent-stream"));
        Reply first = gateway.chat(token, "stream-session", conversation.turn("Summarise the build."));
        conversation.answered(first);

        Reply streamed = gateway.chat(token, "stream-session", conversation.streaming("And the tests?"));
        assertThat(streamed.status()).isEqualTo(200);
        assertThat(streamed.cell()).isEqualTo(first.cell());
        List<String> events = streamed.events();
        assertThat(events).last().isEqualTo("[DONE]");
        JsonNode usage = GatewayClient.JSON.readTree(events.get(events.size() - 2)).path("usage");
        assertThat(usage.path("completion_tokens").asInt()).isEqualTo(12);
        assertThat(usage.path("prompt_tokens_details").path("cached_tokens").asLong())
                .isGreaterThanOrEqualTo(first.promptTokens() - 16);
        long contentChunks = events.stream().filter(e -> e.contains("\"content\"")).count();
        assertThat(contentChunks).isGreaterThanOrEqualTo(2);
    }

    @Test
    @Order(5)
    void clientMistakesGetFourHundredsWithOpenAiErrorJson() throws Exception {
        Reply malformed = gateway.post("/v1/chat/completions", token, Map.of(), "{\"model\": ");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().path("error").path("message").asString()).isNotBlank();

        Reply noMessages = gateway.post("/v1/chat/completions", token, Map.of(), "{\"model\":\"" + MODEL + "\"}");
        assertThat(noMessages.status()).isEqualTo(400);

        ObjectNode unknownModel = new Conversation("no-such-model", "x").turn("Hi");
        Reply notFound = gateway.chat(token, null, unknownModel);
        assertThat(notFound.status()).isEqualTo(404);
        assertThat(notFound.json().path("error").path("code").asString()).isEqualTo("model_not_found");

        Reply unknownRoute = gateway.post("/v1/embeddingz", token, Map.of(), "{}");
        assertThat(unknownRoute.status()).isEqualTo(404);
        assertThat(unknownRoute.json().path("error").isObject()).isTrue();
    }

    @Test
    @Order(6)
    void brokenEngineStreamEndsInAnErrorEventNeverACleanEnd() throws Exception {
        Conversation conversation = new Conversation(MODEL, "You are agent cut.");
        Reply first = gateway.chat(token, "cut-session", conversation.turn("Start."));
        conversation.answered(first);
        URI faults = stack.engineOf(first.cell()).url("/admin/faults");
        HttpClient http = HttpClient.newHttpClient();
        http.send(HttpRequest.newBuilder(faults).header("content-type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"cutAfterTokens\": 3}")).build(), HttpResponse.BodyHandlers.discarding());
        try {
            ObjectNode body = conversation.streaming("Continue.");
            body.put("max_tokens", 20);
            Reply cut = gateway.chat(token, "cut-session", body);
            List<String> events = cut.events();
            assertThat(events).doesNotContain("[DONE]");
            assertThat(events).last().asString().contains("\"error\"");
        } finally {
            http.send(HttpRequest.newBuilder(faults).DELETE().build(), HttpResponse.BodyHandlers.discarding());
        }
    }

    @Test
    @Order(7)
    void scriptedAgentDemoPassesAgainstTheStack() throws Exception {
        int exitCode = DevCredentials.runDemo(stack.gateway().url("").toString(), stack.keyDir(), MODEL);
        assertThat(exitCode).isZero();
    }

    @Test
    @Order(100)
    void sessionsOfAStoppedCellAreAnsweredByAnotherCellAndStayThere() throws Exception {
        Conversation conversation = new Conversation(MODEL, GatewayClient.systemPrompt("agent-failover"));
        Reply first = gateway.chat(token, "failover-session", conversation.turn("Begin."));
        assertThat(first.status()).isEqualTo(200);
        conversation.answered(first);
        String home = first.cell();

        stack.stopCell(home);

        Reply moved = gateway.chat(token, "failover-session", conversation.turn("Go on."));
        assertThat(moved.status()).as(moved.body()).isEqualTo(200);
        assertThat(moved.cell()).isNotEqualTo(home).isIn(stack.cellIds());
        conversation.answered(moved);

        Reply after = gateway.chat(token, "failover-session", conversation.turn("And finish."));
        assertThat(after.status()).isEqualTo(200);
        assertThat(after.cell()).isEqualTo(moved.cell());
        assertThat(after.cachedTokens()).isGreaterThan(0);
    }
}
