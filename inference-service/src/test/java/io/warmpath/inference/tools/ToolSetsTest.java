package io.warmpath.inference.tools;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.warmpath.contracts.testing.StubSessionService;
import io.warmpath.inference.session.SessionBudgetClient;
import io.warmpath.inference.session.TestSessionClients;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/** The cell's side of tool trimming, against session-service's stub over HTTP. */
class ToolSetsTest {

    private static final StubSessionService SESSIONS = StubSessionService.start();
    private static final JsonMapper JSON = JsonMapper.shared();

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ToolSets toolSets = new ToolSets(client(), JSON,
            new ToolTrimmingProperties(true, 1000, Duration.ofHours(1)), meters);
    private int sessions;

    @BeforeEach
    void staleTools() {
        SESSIONS.reset();
        SESSIONS.trimTools(Set.of("deploy", "rollback"));
    }

    @AfterAll
    static void stop() {
        SESSIONS.close();
    }

    @Test
    void trimmedToolsAreLeftOutAndTheirTokensCounted() {
        TurnTools turn = forTurn(body("read_log", "deploy", "rollback"), false);

        assertThat(names(turn.body())).containsExactly("read_log");
        assertThat(turn.trimmedTools()).isEqualTo(2);
        assertThat(turn.use().trimmedTokens()).isPositive();
        assertThat(meters.counter("warmpath.inference.tools.trimmed").count()).isEqualTo(2);
    }

    @Test
    void aToolRepeatedPastWhatATurnMayOfferIsReportedWithinBounds() {
        String[] repeated = new String[200];
        java.util.Arrays.fill(repeated, "deploy");
        repeated[0] = "read_log";

        TurnTools turn = forTurn(body(repeated), false);

        assertThat(names(turn.body())).containsExactly("read_log");
        assertThat(turn.use().trimmedTools()).isEqualTo(128);
    }

    @Test
    void aSessionIsAskedForOnceAndItsLaterTurnsGetTheSameSet() {
        String session = nextSession();
        int calls = SESSIONS.toolSetCalls();

        forTurn(session, body("read_log", "deploy"), false);
        TurnTools later = forTurn(session, body("deploy", "read_log", "new_tool"), false);

        assertThat(names(later.body())).containsExactly("read_log", "new_tool");
        assertThat(SESSIONS.toolSetCalls() - calls).isEqualTo(1);
    }

    @Test
    void whenEveryToolIsTrimmedToolsAndToolChoiceGo() {
        ObjectNode body = body("deploy", "rollback").put("tool_choice", "auto");

        ObjectNode sent = forTurn(body, false).body();

        assertThat(sent.has("tools")).isFalse();
        assertThat(sent.has("tool_choice")).isFalse();
    }

    @Test
    void aTurnThatNeedsATrimmedToolOrOptsOutGoesAsSent() {
        ObjectNode named = body("read_log", "deploy");
        named.putObject("tool_choice").put("type", "function").putObject("function").put("name", "deploy");
        ObjectNode required = body("deploy", "rollback").put("tool_choice", "required");

        assertThat(forTurn(named, false).body()).isEqualTo(named);
        assertThat(forTurn(required, false).body()).isEqualTo(required);
        assertThat(forTurn(body("read_log", "deploy"), true).trimmedTools()).isZero();
        assertThat(meters.counter("warmpath.inference.tools.untrimmed", "reason", "tool_choice").count())
                .isEqualTo(2);
    }

    @Test
    void withoutAToolSetInTimeTheTurnGoesUntrimmedAndIsAskedAgainNextTime() {
        String session = nextSession();
        SESSIONS.failToolSets(503);

        assertThat(forTurn(session, body("read_log", "deploy"), false).trimmedTools()).isZero();
        SESSIONS.failToolSets(0);
        assertThat(forTurn(session, body("read_log", "deploy"), false).trimmedTools()).isEqualTo(1);
    }

    @Test
    void aTurnWithoutASessionIsNotTrimmed() {
        ObjectNode body = body("read_log", "deploy");
        TurnTools turn = toolSets.forTurn("acme", null, "assertion", body, false).block();

        assertThat(turn.body()).isSameAs(body);
        assertThat(turn.use().offered()).isTrue();
    }

    @Test
    void theToolsAnAnswerCallsAreCollectedFromChunksAndWholeAnswers() {
        TurnTools turn = forTurn(body("read_log", "deploy", "rollback"), false);

        turn.chunk(JSON.readTree("{\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":"
                + "{\"name\":\"read_log\",\"arguments\":\"\"}}]}}]}"));
        turn.chunk(JSON.readTree("{\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":"
                + "{\"arguments\":\"{}\"}}]}}]}"));
        turn.answer(JSON.readTree("{\"choices\":[{\"message\":{\"tool_calls\":[{\"function\":{\"name\":\"deploy\"}},"
                + "{\"function\":{\"name\":\"not a name\"}}]}}]}"));

        assertThat(turn.use().called()).containsExactly("read_log", "deploy");
        assertThat(meters.counter("warmpath.inference.tools.trimmed.calls").count()).as("deploy was trimmed")
                .isEqualTo(1);
    }

    private TurnTools forTurn(ObjectNode body, boolean optedOut) {
        return forTurn(nextSession(), body, optedOut);
    }

    private TurnTools forTurn(String session, ObjectNode body, boolean optedOut) {
        return toolSets.forTurn("acme", session, "assertion", body, optedOut).block(Duration.ofSeconds(5));
    }

    private String nextSession() {
        return "ses_tools" + System.nanoTime() + (sessions++);
    }

    private static ObjectNode body(String... tools) {
        ObjectNode body = JSON.createObjectNode().put("model", "m");
        body.putArray("messages").addObject().put("role", "user").put("content", "Hi.");
        for (String name : tools) {
            body.withArray("tools").addObject().put("type", "function").putObject("function").put("name", name)
                    .put("description", "Does " + name + ".");
        }
        return body;
    }

    private static List<String> names(JsonNode body) {
        return body.path("tools").values().stream().map(tool -> tool.path("function").path("name").asString())
                .toList();
    }

    private static SessionBudgetClient client() {
        return TestSessionClients.clientFor(URI.create(SESSIONS.url()), new SimpleMeterRegistry());
    }
}
