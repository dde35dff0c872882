package io.warmpath.inference;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.warmpath.contracts.WarmpathHeaders;
import io.warmpath.contracts.testing.StubSessionService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The cell's admission lanes in front of a stub engine that holds long prompts before their first token: long prompts
 * take the prefill lane (one at a time here, one waiting), short ones the interactive lane, which they never wait behind; a full lane is
 * 503 {@code cell_overloaded}, marked busy (the gateway tries another cell and keeps this one), with
 * {@code Retry-After}; the lane's queue is in the cell's status for the gateway's load view. A request that cannot
 * start within its deadline is refused at once once the lane knows how long its requests take, and one still waiting
 * when its deadline passes is a 504. The lane learns across tests, so they run in order.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "warmpath.cell.policy-enabled=false",
        "warmpath.cell.status-interval=100ms",
        "warmpath.cell.lanes.prefill-heavy-tokens=1000",
        "warmpath.cell.lanes.prefill.concurrency=1",
        "warmpath.cell.lanes.prefill.queue=1"})
@AutoConfigureWebTestClient(timeout = "30s")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdmissionLanesTest {

    private static final StubEngine engine = new StubEngine();
    private static final StubSessionService sessions = StubSessionService.start();
    /** Requests that wait for their answer each on a thread of their own (the common pool may have just one). */
    private static final ExecutorService CLIENTS = Executors.newVirtualThreadPerTaskExecutor();
    /** About 2,000 tokens at four bytes each: over the prefill lane's threshold. */
    private static final String LONG_PROMPT = "document ".repeat(900);

    @Autowired
    private WebTestClient client;

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
    }

    @AfterAll
    static void stopStubs() {
        engine.close();
        sessions.close();
    }

    @Test
    @Order(2)
    void longPromptsQueueInTheirLaneWhileShortTurnsGoStraightThroughAndAFullLaneIsABusy503() {
        var hold = new CountDownLatch(1);
        engine.holdLongPrompts = hold;
        try {
            CompletableFuture<List<String>> first = CompletableFuture.supplyAsync(
                    () -> stream(LONG_PROMPT).collectList().block(Duration.ofSeconds(20)), CLIENTS);
            await().atMost(Duration.ofSeconds(5)).until(() -> engine.receivedCount() == 1);
            CompletableFuture<List<String>> queued = CompletableFuture.supplyAsync(
                    () -> stream(LONG_PROMPT).collectList().block(Duration.ofSeconds(20)), CLIENTS);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> client.get().uri("/cell/status")
                    .headers(CellCalls.prober()).exchange().expectBody().jsonPath("$.queued").isEqualTo(1));

            client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(chat(LONG_PROMPT, false))
                    .exchange()
                    .expectStatus().isEqualTo(503)
                    .expectHeader().valueEquals(WarmpathHeaders.UNAVAILABLE, WarmpathHeaders.UNAVAILABLE_BUSY)
                    .expectHeader().exists(HttpHeaders.RETRY_AFTER)
                    .expectBody().jsonPath("$.error.code").isEqualTo("cell_overloaded");
            client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(chat("Say hello.", false))
                    .exchange()
                    .expectStatus().isOk();
            assertThat(engine.receivedCount()).as("the held stream and the short turn; the queued one waits")
                    .isEqualTo(2);

            hold.countDown();
            assertThat(first.join()).contains("[DONE]");
            assertThat(queued.join()).contains("[DONE]");
        }
        finally {
            hold.countDown();
        }
    }

    @Test
    @Order(1)
    void aRequestStillWaitingWhenItsDeadlinePassesIsAnsweredAsDeadlineExceeded() {
        // First: the lane has no idea yet how long its requests take, so it lets this one wait.
        var hold = new CountDownLatch(1);
        engine.holdLongPrompts = hold;
        try {
            CompletableFuture<List<String>> running = CompletableFuture.supplyAsync(
                    () -> stream(LONG_PROMPT).collectList().block(Duration.ofSeconds(20)), CLIENTS);
            await().atMost(Duration.ofSeconds(5)).until(() -> engine.receivedCount() == 1);

            client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                    .header(WarmpathHeaders.REQUEST_TIMEOUT_MS, "300")
                    .bodyValue(chat(LONG_PROMPT, false))
                    .exchange()
                    .expectStatus().isEqualTo(504)
                    .expectBody().jsonPath("$.error.code").isEqualTo("deadline_exceeded");
            assertThat(engine.receivedCount()).isEqualTo(1);

            hold.countDown();
            assertThat(running.join()).contains("[DONE]");
        }
        finally {
            hold.countDown();
        }
    }

    @Test
    @Order(3)
    void aRequestTheLaneCannotStartWithinItsDeadlineIsRefusedAtOnce() throws Exception {
        // The lane learns that its requests hold their place for about half a second.
        var hold = new CountDownLatch(1);
        engine.holdLongPrompts = hold;
        CompletableFuture<List<String>> learned = CompletableFuture.supplyAsync(
                () -> stream(LONG_PROMPT).collectList().block(Duration.ofSeconds(20)), CLIENTS);
        Thread.sleep(500);
        hold.countDown();
        learned.join();
        var holdAgain = new CountDownLatch(1);
        engine.holdLongPrompts = holdAgain;
        int received = engine.receivedCount();
        try {
            CompletableFuture<List<String>> running = CompletableFuture.supplyAsync(
                    () -> stream(LONG_PROMPT).collectList().block(Duration.ofSeconds(20)), CLIENTS);
            await().atMost(Duration.ofSeconds(5)).until(() -> engine.receivedCount() == received + 1);
            long started = System.nanoTime();

            client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                    .header(WarmpathHeaders.REQUEST_TIMEOUT_MS, "200")
                    .bodyValue(chat(LONG_PROMPT, false))
                    .exchange()
                    .expectStatus().isEqualTo(503)
                    .expectHeader().valueEquals(WarmpathHeaders.UNAVAILABLE, WarmpathHeaders.UNAVAILABLE_BUSY)
                    .expectBody().jsonPath("$.error.code").isEqualTo("cell_overloaded");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("refused at once, not at its deadline")
                    .isLessThan(Duration.ofMillis(200));

            holdAgain.countDown();
            assertThat(running.join()).contains("[DONE]");
        }
        finally {
            holdAgain.countDown();
        }
    }

    @Test
    @Order(4)
    void aLongPromptGivesUpItsPlaceOnceItsFirstTokenIsOutAndTheNextOneStartsWhileItDecodes() {
        var decoding = new CountDownLatch(1);
        engine.holdAfterFirstToken = decoding;
        int received = engine.receivedCount();
        try {
            CompletableFuture<List<String>> first = CompletableFuture.supplyAsync(
                    () -> stream(LONG_PROMPT).collectList().block(Duration.ofSeconds(20)), CLIENTS);
            await().atMost(Duration.ofSeconds(5)).until(() -> engine.receivedCount() == received + 1);
            CompletableFuture<List<String>> second = CompletableFuture.supplyAsync(
                    () -> stream(LONG_PROMPT).collectList().block(Duration.ofSeconds(20)), CLIENTS);

            // Both in the engine at once, though the lane takes one at a time: the first is past its prefill.
            await().atMost(Duration.ofSeconds(5)).until(() -> engine.receivedCount() == received + 2);
            assertThat(first).isNotDone();

            decoding.countDown();
            assertThat(first.join()).contains("[DONE]");
            assertThat(second.join()).contains("[DONE]");
        }
        finally {
            decoding.countDown();
        }
    }

    private Flux<String> stream(String prompt) {
        return client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(chat(prompt, true))
                .exchange()
                .expectStatus().isOk()
                .returnResult(String.class)
                .getResponseBody();
    }

    private static String chat(String prompt, boolean stream) {
        return """
                {"model":"stub-model","stream":%s,"messages":[{"role":"user","content":"%s"}]}"""
                .formatted(stream, prompt);
    }
}
