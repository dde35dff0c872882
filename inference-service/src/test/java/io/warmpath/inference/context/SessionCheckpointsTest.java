package io.warmpath.inference.context;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.warmpath.assertion.testing.TestAssertions;
import io.warmpath.contracts.assertion.Assertion;
import io.warmpath.contracts.testing.StubSessionService;
import io.warmpath.inference.session.TestSessionClients;
import io.warmpath.inference.tools.ToolSetsForTests;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The cell's checkpoints against session-service's stub over HTTP, with a summarizer that counts its calls. */
class SessionCheckpointsTest {

    private static final StubSessionService SESSIONS = StubSessionService.start();
    private static final JsonMapper JSON = JsonMapper.shared();
    /**
     * Counted as a third of the bytes, a turn of the conversation below takes about 152 tokens: 7 or 8 turns are past
     * 0.75 of this limit and below 0.95 of it (a checkpoint in the background), 14 past 0.95 (the turn waits).
     */
    private static final int LIMIT = 1400;

    private final AtomicInteger summaries = new AtomicInteger();
    private volatile boolean summarizerFails;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final SessionCheckpoints checkpoints = new SessionCheckpoints(
            TestSessionClients.clientFor(URI.create(SESSIONS.url()), new SimpleMeterRegistry()),
            ToolSetsForTests.of(TestSessionClients.clientFor(URI.create(SESSIONS.url()), new SimpleMeterRegistry())),
            new CheckpointArtifacts(null, "cell-1", Duration.ofSeconds(5), JSON),
            new CheckpointProperties(true, URI.create("http://unused/v1"), null, "m", 64, 0.75, 2,
                    Duration.ofSeconds(5), 1000, Duration.ofHours(1), null),
            this::summarize, meters);
    private String session;

    @BeforeEach
    void checkpointingSession() {
        SESSIONS.reset();
        session = "ses_ckpt" + System.nanoTime();
        SESSIONS.checkpointing(session, LIMIT);
    }

    @AfterAll
    static void stop() {
        SESSIONS.close();
    }

    @Test
    void aTurnBelowTheThresholdGoesAsSentAndMakesNothing() {
        CheckpointTurn turn = forTurn(conversation(2));

        assertThat(turn.use()).isNull();
        assertThat(turn.body()).isEqualTo(conversation(2));
        assertThat(summaries.get()).isZero();
    }

    @Test
    void pastTheThresholdACheckpointIsMadeAndLaterTurnsSendItsSummaryInsteadOfWhatItCovers() {
        forTurn(conversation(7));
        await().atMost(Duration.ofSeconds(5)).until(() -> SESSIONS.checkpointOf(session).isPresent());
        JsonNode stored = SESSIONS.checkpointOf(session).orElseThrow();
        // Seven turns of a question and an answer: all but the last two turns are covered.
        assertThat(stored.path("covered_messages").asInt()).isEqualTo(10);

        ObjectNode next = conversation(8);
        CheckpointTurn turn = forTurn(next);

        assertThat(turn.use().applied()).isTrue();
        assertThat(turn.covered()).isEqualTo(10);
        assertThat(turn.headerValue()).isEqualTo("10");
        assertThat(turn.use().tokensRemoved()).isPositive();
        ArrayNode messages = (ArrayNode) turn.body().path("messages");
        assertThat(messages.get(0).path("content").asString()).isEqualTo("You are a release bot.");
        assertThat(messages.get(1).path("content").asString()).endsWith("SUMMARY 1");
        assertThat(messages.get(2)).isEqualTo(next.path("messages").get(11));
        assertThat(messages.size()).isEqualTo(2 + next.path("messages").size() - 11);
        // The same bytes on the turn after: the new prefix caches.
        assertThat(forTurn(conversation(9)).body().path("messages").get(1)).isEqualTo(messages.get(1));
        assertThat(summaries.get()).isEqualTo(1);
    }

    @Test
    void aTurnWhoseHistoryNoLongerMatchesGoesAsSentAndSaysSo() {
        forTurn(conversation(7));
        await().atMost(Duration.ofSeconds(5)).until(() -> SESSIONS.checkpointOf(session).isPresent());

        ObjectNode edited = conversation(8);
        ((ObjectNode) edited.path("messages").get(3)).put("content", "Something else entirely.");
        CheckpointTurn turn = forTurn(edited);

        assertThat(turn.use().mismatch()).isTrue();
        assertThat(turn.body()).isEqualTo(edited);
        assertThat(turn.headerValue()).isEqualTo("mismatch");
    }

    @Test
    void aTurnThatWouldNotFitWaitsForItsCheckpoint() {
        CheckpointTurn turn = forTurn(conversation(14));

        assertThat(turn.use().applied()).as("made for this turn, which was over the limit").isTrue();
        assertThat(summaries.get()).isEqualTo(1);
    }

    @Test
    void whenTheSummarizerFailsTheTurnGoesAsSent() {
        summarizerFails = true;

        CheckpointTurn turn = forTurn(conversation(14));

        assertThat(turn.use()).isNull();
        assertThat(turn.body()).isEqualTo(conversation(14));
        assertThat(meters.counter("warmpath.inference.checkpoints", "outcome", "failed").count()).isEqualTo(1);
    }

    @Test
    void aSessionThatRefusesOrATurnWithoutASessionIsLeftAlone() {
        Assertion unlimited = TestAssertions.sessionTurn("acme", session, false);
        ObjectNode body = conversation(14);

        assertThat(checkpoints.forTurn(unlimited, "assertion", null, null, body).block().use()).isNull();
        SESSIONS.reset();
        assertThat(forTurn(body).use()).as("refuse").isNull();
        assertThat(summaries.get()).isZero();
    }

    private CheckpointTurn forTurn(ObjectNode body) {
        return checkpoints.forTurn(TestAssertions.sessionTurn("acme", session, true), "assertion", null, null, body)
                .block(Duration.ofSeconds(10));
    }

    private Summarizer.Summary summarize(@Nullable String previous, List<JsonNode> messages) {
        if (summarizerFails) {
            throw new IllegalStateException("the summarizer is down");
        }
        return new Summarizer.Summary("SUMMARY " + summaries.incrementAndGet(), null);
    }

    /** A system prompt and {@code turns} turns of a question and a long answer (about 90 tokens a turn). */
    private static ObjectNode conversation(int turns) {
        ObjectNode body = JSON.createObjectNode().put("model", "m");
        ArrayNode messages = body.putArray("messages");
        messages.addObject().put("role", "system").put("content", "You are a release bot.");
        for (int turn = 0; turn < turns; turn++) {
            messages.addObject().put("role", "user").put("content", "Question " + turn + ": what failed?");
            messages.addObject().put("role", "assistant").put("content", ("Step " + turn + " failed. ").repeat(25));
        }
        return body;
    }
}
