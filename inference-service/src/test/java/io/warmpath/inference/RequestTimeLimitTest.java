package io.warmpath.inference;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import io.warmpath.contracts.WarmpathHeaders;
import io.warmpath.contracts.testing.StubSessionService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every completion has an overall time limit ({@code timeouts.request}), shorter here than the engine's answers and
 * than both other response timeouts, so only it can end them: a session's hold must never outlive its turn.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "warmpath.cell.policy-enabled=false",
        "warmpath.cell.status-interval=100ms",
        "warmpath.cell.timeouts.response=20s",
        "warmpath.cell.timeouts.unary-response=20s",
        "warmpath.cell.timeouts.request=1500ms"})
@AutoConfigureWebTestClient(timeout = "30s") // the default 5 s is too short on a busy CI machine
class RequestTimeLimitTest {

    private static final StubEngine engine = new StubEngine();
    private static final StubSessionService sessions = StubSessionService.start();
    private static final String SESSION = "ses_01JTIMELIMITSESSION000000";

    @Autowired
    private WebTestClient client;

    private final JsonMapper json = JsonMapper.shared();

    @DynamicPropertySource
    static void stubs(DynamicPropertyRegistry registry) {
        registry.add("warmpath.cell.engine-url", engine::url);
        registry.add("warmpath.cell.sessions-url", sessions::url);
    }

    @BeforeEach
    void authenticate() {
        client = client.mutate().defaultHeaders(CellCalls.caller()).build();
    }

    @AfterEach
    void resetStubs() {
        engine.reset();
        sessions.reset();
    }

    @AfterAll
    static void stopStubs() {
        engine.close();
        sessions.close();
    }

    @Test
    void streamLongerThanTheRequestLimitEndsWithATimeoutEventAndSettlesWhatWasSpent() throws Exception {
        var hold = new CountDownLatch(1);
        engine.holdAfterFirstToken = hold;
        try {
            long started = System.nanoTime();
            List<String> events = client.post().uri("/v1/chat/completions")
                    .contentType(MediaType.APPLICATION_JSON)
                    .headers(CellCalls.turnOf(SESSION))
                    .bodyValue("""
                            {"model":"stub-model","stream":true,"messages":[{"role":"user","content":"hi"}]}""")
                    .exchange()
                    .expectStatus().isOk()
                    .returnResult(String.class)
                    .getResponseBody()
                    .collectList()
                    .block(Duration.ofSeconds(20));
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            // The engine still holds the stream (up to 10 s): only the cell's limit can have ended it.
            assertThat(took).isLessThan(Duration.ofSeconds(8));
            assertThat(events).hasSize(3).doesNotContain("[DONE]");
            assertThat(events.get(1)).contains("\"content\":\"Hel\"");
            JsonNode error = json.readTree(events.getLast()).path("error");
            assertThat(error.path("code").asString()).isEqualTo("engine_timeout");
            assertThat(error.path("type").asString()).isEqualTo("server_error");

            // The hold is settled now, with what the engine spent as far as the cell saw, not left to expire.
            assertThat(sessions.nextCall().path()).endsWith("/reservations");
            StubSessionService.Call settle = sessions.nextCall();
            assertThat(settle.path()).endsWith("/settle");
            assertThat(settle.body().path("prompt_tokens").asLong()).isEqualTo(4242);
            assertThat(settle.body().path("completion_tokens").asLong()).isEqualTo(1);
        }
        finally {
            hold.countDown();
        }
    }

    @Test
    void nonStreamedAnswerLaterThanTheRequestLimitIsAGatewayTimeout() {
        // Well within unary-response (20 s): only the request limit can end it.
        engine.stallBeforeAnswer = Duration.ofSeconds(5);
        long started = System.nanoTime();

        client.post().uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("""
                        {"model":"stub-model","messages":[{"role":"user","content":"hi"}]}""")
                .exchange()
                .expectStatus().isEqualTo(504)
                .expectBody().jsonPath("$.error.code").isEqualTo("engine_timeout");

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
    }

    @Test
    void theClientsDeadlineShorterThanTheCellsLimitEndsAWholeAnswerAsDeadlineExceeded() throws Exception {
        engine.stallBeforeAnswer = Duration.ofSeconds(5);
        long started = System.nanoTime();

        client.post().uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .header(WarmpathHeaders.REQUEST_TIMEOUT_MS, "400")
                .bodyValue("""
                        {"model":"stub-model","messages":[{"role":"user","content":"hi"}]}""")
                .exchange()
                .expectStatus().isEqualTo(504)
                .expectHeader().doesNotExist(HttpHeaders.RETRY_AFTER)
                .expectBody().jsonPath("$.error.code").isEqualTo("deadline_exceeded");

        // Within the client's 400 ms, not the cell's 1.5 s; and the engine was told what was left of it.
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(1400));
        long toldEngine = Long.parseLong(engine.nextReceived().headers().getFirst(WarmpathHeaders.REQUEST_TIMEOUT_MS));
        assertThat(toldEngine).isBetween(1L, 400L);
    }

    @Test
    void aStreamPastTheClientsDeadlineEndsWithADeadlineExceededEvent() {
        var hold = new CountDownLatch(1);
        engine.holdAfterFirstToken = hold;
        try {
            List<String> events = client.post().uri("/v1/chat/completions")
                    .contentType(MediaType.APPLICATION_JSON)
                    .header(WarmpathHeaders.REQUEST_TIMEOUT_MS, "500")
                    .bodyValue("""
                            {"model":"stub-model","stream":true,"messages":[{"role":"user","content":"hi"}]}""")
                    .exchange()
                    .expectStatus().isOk()
                    .returnResult(String.class)
                    .getResponseBody()
                    .collectList()
                    .block(Duration.ofSeconds(20));

            assertThat(events).doesNotContain("[DONE]");
            assertThat(json.readTree(events.getLast()).path("error").path("code").asString())
                    .isEqualTo("deadline_exceeded");
        }
        finally {
            hold.countDown();
        }
    }

    @Test
    void aDeadlineAlreadySpentIsAnsweredAtOnceWithoutCallingTheEngine() throws Exception {
        client.post().uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .headers(CellCalls.turnOf(SESSION))
                .header(WarmpathHeaders.REQUEST_TIMEOUT_MS, "0")
                .bodyValue("""
                        {"model":"stub-model","messages":[{"role":"user","content":"hi"}]}""")
                .exchange()
                .expectStatus().isEqualTo(504)
                .expectBody().jsonPath("$.error.code").isEqualTo("deadline_exceeded");

        assertThat(engine.receivedCount()).as("the engine was not called").isZero();
        assertThat(sessions.pending()).as("nothing was reserved").isZero();
    }

    @Test
    void answerWithinTheRequestLimitIsUnaffected() {
        List<String> events = client.post().uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("""
                        {"model":"stub-model","stream":true,"messages":[{"role":"user","content":"hi"}]}""")
                .exchange()
                .expectStatus().isOk()
                .returnResult(String.class)
                .getResponseBody()
                .collectList()
                .block(Duration.ofSeconds(10));

        assertThat(events).endsWith("[DONE]");
    }
}
