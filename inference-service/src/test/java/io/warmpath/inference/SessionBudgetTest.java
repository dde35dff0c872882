package io.warmpath.inference;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.warmpath.assertion.testing.TestAssertions;
import io.warmpath.contracts.WarmpathHeaders;
import io.warmpath.contracts.testing.StubSessionService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * Requests of a session reserve their budget at a stub session-service before the stub engine is called, and settle
 * or release it afterwards; refusals and an unavailable session-service stop them before the engine.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        // Engine and budgets alone: the region re-check has its own test (RegionCheckTest).
        "warmpath.cell.policy-enabled=false",
        "warmpath.cell.id=cell-budget",
        "warmpath.cell.status-interval=100ms",
        "warmpath.cell.retry-after=2s",
        "warmpath.cell.timeouts.response=2s",
        // Generous for a loaded build machine; the stall test waits well past it.
        "warmpath.cell.sessions-timeout=1s",
        "warmpath.cell.default-max-tokens=777"})
@AutoConfigureWebTestClient(timeout = "30s") // the default 5 s is too short on a busy CI machine
@ExtendWith(OutputCaptureExtension.class)
class SessionBudgetTest {

    private static final StubEngine engine = new StubEngine();
    private static final StubSessionService sessions = StubSessionService.start();

    private static final String SESSION = "ses_01JSECRETSESSIONID0000000";
    /** What the cell must send session-service for a turn of {@link #SESSION}. */
    private static final String TURN_BEARER = CellCalls.sessionsBearer(
            TestAssertions.sessionTurn(CellCalls.TENANT, SESSION, true));
    private static final String CHAT_WITH_TOOLS = """
            {"model":"stub-model","max_tokens":64,"temperature":0.2,
             "messages":[{"role":"system","content":"You review code."},{"role":"user","content":"secret prompt"}],
             "tools":[{"type":"function","function":{"name":"read_file","parameters":{"type":"object"}}}]}""";
    private static final String STREAMED_CHAT = """
            {"model":"stub-model","stream":true,"messages":[{"role":"user","content":"secret prompt"}]}""";

    @Autowired
    private WebTestClient client;

    @BeforeEach
    void authenticate() {
        client = client.mutate().defaultHeaders(CellCalls.caller()).build();
    }

    @Autowired
    private MeterRegistry meters;

    @LocalServerPort
    private int port;

    private final JsonMapper json = JsonMapper.shared();

    @DynamicPropertySource
    static void stubs(DynamicPropertyRegistry registry) {
        registry.add("warmpath.cell.engine-url", engine::url);
        registry.add("warmpath.cell.sessions-url", sessions::url);
    }

    @BeforeEach
    void engineModelsKnown() {
        // Model tags name only models the engine serves, which the cell learns from its first poll.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> client.get().uri("/cell/status").headers(CellCalls.prober()).exchange()
                .expectBody().jsonPath("$.models[0]").isEqualTo(StubEngine.MODEL));
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
    void reservationCarriesTheEnginesExactPromptCountAndJsonUsageSettlesIt() throws Exception {
        engine.tokenizeCount = 4242;

        client.post().uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .headers(CellCalls.turnOf(SESSION))
                .bodyValue(CHAT_WITH_TOOLS)
                .exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.choices[0].message.content").isEqualTo("Hello");

        JsonNode tokenize = json.readTree(engine.nextTokenized().body());
        assertThat(tokenize.path("model").asString()).isEqualTo(StubEngine.MODEL);
        assertThat(tokenize.path("messages").size()).isEqualTo(2);
        assertThat(tokenize.path("tools").get(0).path("function").path("name").asString()).isEqualTo("read_file");
        assertThat(tokenize.has("max_tokens") || tokenize.has("temperature")).isFalse();
        // The salt is for the prefix cache; /tokenize takes none.
        assertThat(tokenize.has("cache_salt")).isFalse();

        StubSessionService.Call reserve = sessions.nextCall();
        assertThat(reserve.method()).isEqualTo("POST");
        assertThat(reserve.path()).isEqualTo("/internal/sessions/" + SESSION + "/reservations");
        assertThat(reserve.headers().getFirst(HttpHeaders.AUTHORIZATION)).isEqualTo(TURN_BEARER);
        assertThat(reserve.body().path("prompt_tokens").asLong()).isEqualTo(4242);
        assertThat(reserve.body().path("max_tokens").asLong()).isEqualTo(64);
        assertThat(reserve.body().path("model").asString()).isEqualTo(StubEngine.MODEL);
        assertThat(reserve.body().path("request_id").asString()).isNotBlank();

        StubSessionService.Call settle = sessions.nextCall();
        assertThat(settle.method()).isEqualTo("POST");
        assertThat(settle.path()).matches("/internal/reservations/res-\\d+/settle");
        assertThat(settle.headers().getFirst(HttpHeaders.AUTHORIZATION)).isEqualTo(TURN_BEARER);
        assertThat(settle.body().path("prompt_tokens").asLong()).isEqualTo(11);
        assertThat(settle.body().path("cached_tokens").asLong()).isEqualTo(7);
        assertThat(settle.body().path("completion_tokens").asLong()).isEqualTo(2);
        assertThat(settle.body().path("ttft_ms").isIntegralNumber()).isTrue();
        assertThat(settle.body().path("cell_id").asString()).isEqualTo("cell-budget");
        assertThat(settle.body().path("model").asString()).isEqualTo(StubEngine.MODEL);
        // The engine got the client's request, its limit being the one reserved, with the tenant's cache salt.
        ObjectNode forwarded = (ObjectNode) json.readTree(engine.nextReceived().body());
        assertThat(forwarded.remove("cache_salt").asString()).matches("[0-9a-f]{32}");
        assertThat(forwarded).isEqualTo(json.readTree(CHAT_WITH_TOOLS));
    }

    @Test
    void turnWithoutACompletionLimitIsCappedAtWhatItReserved() throws Exception {
        post("/v1/chat/completions", STREAMED_CHAT).expectStatus().isOk().returnResult(String.class)
                .getResponseBody().blockLast(Duration.ofSeconds(10));

        assertThat(sessions.nextCall().body().path("max_tokens").asLong()).isEqualTo(777);
        // vLLM's chat default is the whole remaining context: without this the reservation would bound nothing.
        JsonNode forwarded = json.readTree(engine.nextReceived().body());
        assertThat(forwarded.path("max_tokens").asInt()).isEqualTo(777);
        assertThat(forwarded.path("messages").get(0).path("content").asString()).isEqualTo("secret prompt");
    }

    @Test
    void turnReachesTheEngineWithExactlyTheLimitItReserved() throws Exception {
        post("/v1/chat/completions", """
                {"model":"stub-model","max_tokens":9,"max_completion_tokens":33,"messages":[{"role":"user","content":"x"}]}""")
                .expectStatus().isOk().expectBody(Void.class);

        assertThat(sessions.nextCall().body().path("max_tokens").asLong()).isEqualTo(33);
        JsonNode forwarded = json.readTree(engine.nextReceived().body());
        assertThat(forwarded.path("max_tokens").asInt()).isEqualTo(33);
        // vLLM lets max_completion_tokens win: left in place, it could differ from what was reserved.
        assertThat(forwarded.has("max_completion_tokens")).isFalse();
        sessions.nextCall();

        post("/v1/completions", """
                {"model":"stub-model","prompt":"once upon","max_completion_tokens":5000}""")
                .expectStatus().isOk().expectBody(Void.class);

        assertThat(sessions.nextCall().body().path("max_tokens").asLong()).isEqualTo(777);
        forwarded = json.readTree(engine.nextReceived().body());
        assertThat(forwarded.path("max_tokens").asInt()).isEqualTo(777);
        assertThat(forwarded.has("max_completion_tokens")).isFalse();
    }

    @Test
    void turnReservesItsLimitForEverySequenceOfEveryPrompt() throws Exception {
        post("/v1/chat/completions", """
                {"model":"stub-model","n":3,"max_tokens":10,"messages":[{"role":"user","content":"x"}]}""")
                .expectStatus().isOk().expectBody(Void.class);

        assertThat(sessions.nextCall().body().path("max_tokens").asLong()).isEqualTo(30);
        assertThat(sessions.nextCall().path()).endsWith("/settle");
        JsonNode forwarded = json.readTree(engine.nextReceived().body());
        // The engine's limit stays per sequence.
        assertThat(forwarded.path("max_tokens").asInt()).isEqualTo(10);
        assertThat(forwarded.path("n").asInt()).isEqualTo(3);

        engine.tokenizeCount = 6;
        post("/v1/completions", """
                {"model":"stub-model","prompt":["once upon","a time"],"n":2,"best_of":4,"max_tokens":5}""")
                .expectStatus().isOk().expectBody(Void.class);

        JsonNode reserved = sessions.nextCall().body();
        assertThat(reserved.path("max_tokens").asLong()).isEqualTo(5 * 4 * 2);
        assertThat(reserved.path("prompt_tokens").asLong()).isEqualTo(12);
        // Settled with the engine's usage, as any turn.
        JsonNode settled = sessions.nextCall().body();
        assertThat(settled.path("completion_tokens").asLong()).isEqualTo(2);
    }

    @Test
    void choicesTheCellCannotReserveForAreABadRequestBeforeAnyReservation() {
        post("/v1/completions", """
                {"model":"stub-model","prompt":"once upon","n":3,"best_of":2}""")
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.param").isEqualTo("best_of");
        post("/v1/chat/completions", """
                {"model":"stub-model","n":0,"messages":[{"role":"user","content":"x"}]}""")
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.param").isEqualTo("n");
        // 8192 tokens for each of 128 sequences of 2048 prompts: more than one reservation can hold.
        String prompts = String.join(",", Collections.nCopies(2048, "\"a\""));
        post("/v1/completions", "{\"model\":\"stub-model\",\"n\":128,\"max_tokens\":8192,\"prompt\":[" + prompts + "]}")
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.param").isEqualTo("max_tokens");

        assertThat(engine.tokenizedCount()).isZero();
        assertThat(engine.receivedCount()).isZero();
        assertNoFurtherSessionCalls();
    }

    @Test
    void streamSettlesWithTheUsageChunkTheClientNeverSaw() throws Exception {
        List<String> events = stream(STREAMED_CHAT);

        assertThat(events.getLast()).isEqualTo("[DONE]");
        assertThat(events).noneMatch(event -> event.contains("\"usage\""));
        StubSessionService.Call reserve = sessions.nextCall();
        // No max_tokens in the request: the configured default is reserved.
        assertThat(reserve.body().path("max_tokens").asLong()).isEqualTo(777);
        StubSessionService.Call settle = sessions.nextCall();
        assertThat(settle.path()).endsWith("/settle");
        assertThat(settle.body().path("prompt_tokens").asLong()).isEqualTo(11);
        assertThat(settle.body().path("cached_tokens").asLong()).isEqualTo(7);
        assertThat(settle.body().path("completion_tokens").asLong()).isEqualTo(2);
    }

    @Test
    void completionsCountTheirPromptAndChatReservesMaxCompletionTokens() throws Exception {
        engine.tokenizeCount = 5;
        post("/v1/completions", """
                {"model":"stub-model","prompt":"once upon","max_tokens":9}""").expectStatus().isOk()
                .expectBody(Void.class);

        JsonNode tokenize = json.readTree(engine.nextTokenized().body());
        assertThat(tokenize.path("prompt").asString()).isEqualTo("once upon");
        assertThat(tokenize.has("messages")).isFalse();
        JsonNode reserved = sessions.nextCall().body();
        assertThat(reserved.path("prompt_tokens").asLong()).isEqualTo(5);
        assertThat(reserved.path("max_tokens").asLong()).isEqualTo(9);
        sessions.nextCall();

        post("/v1/chat/completions", """
                {"model":"stub-model","max_tokens":9,"max_completion_tokens":33,"messages":[{"role":"user","content":"x"}]}""")
                .expectStatus().isOk()
                .expectBody(Void.class);
        assertThat(sessions.nextCall().body().path("max_tokens").asLong()).isEqualTo(33);
    }

    @Test
    void engineFailureReleasesTheReservation() throws Exception {
        engine.failStatus = 500;

        post("/v1/chat/completions", CHAT_WITH_TOOLS)
                .expectStatus().isEqualTo(502)
                .expectBody().jsonPath("$.error.code").isEqualTo("engine_error");

        String reservation = reservationPath(sessions.nextReserve());
        StubSessionService.Call release = sessions.nextCallAbout(reservation);
        assertThat(release.method()).isEqualTo("DELETE");
        assertThat(release.path()).isEqualTo(reservation);
    }

    @Test
    void brokenStreamSettlesTheReservedPromptAndTheChunksSeen() throws Exception {
        engine.streamEnding = StubEngine.StreamEnding.CUT_AFTER_FIRST_TOKEN;

        List<String> events = stream(STREAMED_CHAT);

        assertThat(events.getLast()).contains("stream_broken");
        assertSettledWithoutUsage(reservationPath(sessions.nextReserve()), sessions.nextCall());
    }

    @Test
    void clientLeavingMidStreamSettlesTheReservedPromptAndTheChunksSeen() throws Exception {
        var hold = new CountDownLatch(1);
        engine.holdAfterFirstToken = hold;
        try {
            List<String> firstTwo = client.post().uri("/v1/chat/completions")
                    .contentType(MediaType.APPLICATION_JSON)
                    .headers(CellCalls.turnOf(SESSION))
                    .bodyValue(STREAMED_CHAT)
                    .exchange()
                    .expectStatus().isOk()
                    .returnResult(String.class)
                    .getResponseBody()
                    .take(2)
                    .collectList()
                    .block(Duration.ofSeconds(10));
            assertThat(firstTwo).hasSize(2);

            // The engine spent the prompt and one token; releasing the hold would have charged nothing.
            assertSettledWithoutUsage(reservationPath(sessions.nextReserve()), sessions.nextCall());
        }
        finally {
            hold.countDown();
        }
    }

    @Test
    void clientLeavingWhileTheReserveIsOnItsWayReleasesItByRequestId() throws Exception {
        sessions.stallReservations(Duration.ofSeconds(3));

        assertThatThrownBy(() -> WebClient.create("http://127.0.0.1:" + port).post().uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .headers(CellCalls.turnOf(SESSION))
                .bodyValue(CHAT_WITH_TOOLS)
                .retrieve().toBodilessEntity()
                .block(Duration.ofMillis(300)))
                .isInstanceOf(IllegalStateException.class);

        assertReleasedByRequestId(sessions.nextCall());
        assertThat(engine.receivedCount()).isZero();
    }

    @Test
    void budgetRefusalReachesTheClientAs429AndTheEngineIsNeverCalled() throws Exception {
        sessions.refuseReservations(429, """
                {"error":{"message":"Budget max_total_tokens of 5000 exceeded: used 4900, reserved 0, this request 4306","type":"insufficient_quota","code":"budget_exceeded"}}""");

        post("/v1/chat/completions", CHAT_WITH_TOOLS)
                .expectStatus().isEqualTo(429)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody()
                .jsonPath("$.error.code").isEqualTo("budget_exceeded")
                .jsonPath("$.error.type").isEqualTo("insufficient_quota")
                .jsonPath("$.error.message")
                .isEqualTo("Budget max_total_tokens of 5000 exceeded: used 4900, reserved 0, this request 4306");

        assertThat(engine.receivedCount()).isZero();
        assertThat(sessions.nextCall().path()).endsWith("/reservations");
        assertNoFurtherSessionCalls();
    }

    @Test
    void contextLimitRefusalReachesTheClientAs400AndTheEngineIsNeverCalled() {
        sessions.refuseReservations(400, """
                {"error":{"message":"Prompt grows by 4242 tokens, over max_growth_tokens_per_turn 2000","type":"invalid_request_error","code":"context_growth_exceeded"}}""");

        post("/v1/chat/completions", STREAMED_CHAT)
                .expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.error.code").isEqualTo("context_growth_exceeded")
                .jsonPath("$.error.message").isEqualTo("Prompt grows by 4242 tokens, over max_growth_tokens_per_turn 2000");

        assertThat(engine.receivedCount()).isZero();
    }

    @Test
    void sessionClosedMeanwhileIsNotFoundAndTheEngineIsNeverCalled() {
        sessions.refuseReservations(404, """
                {"error":{"message":"No such session.","type":"invalid_request_error","code":"session_not_found"}}""");

        post("/v1/chat/completions", CHAT_WITH_TOOLS)
                .expectStatus().isNotFound()
                .expectBody()
                .jsonPath("$.error.code").isEqualTo("session_not_found")
                .jsonPath("$.error.message").isEqualTo("No such session.");

        assertThat(engine.receivedCount()).isZero();
    }

    @Test
    void sessionServiceTooSlowFailsClosedWithoutCallingTheEngine(CapturedOutput output) throws Exception {
        sessions.stallReservations(Duration.ofSeconds(3));
        double unavailableBefore = reservations("unavailable");

        post("/v1/chat/completions", CHAT_WITH_TOOLS)
                .expectStatus().isEqualTo(503)
                .expectHeader().valueEquals(HttpHeaders.RETRY_AFTER, "2")
                .expectHeader().valueEquals(WarmpathHeaders.CELL, "cell-budget")
                .expectHeader().doesNotExist(WarmpathHeaders.UNAVAILABLE)
                .expectBody()
                .jsonPath("$.error.code").isEqualTo("session_service_unavailable")
                .jsonPath("$.error.type").isEqualTo("server_error");

        assertThat(engine.receivedCount()).isZero();
        assertThat(reservations("unavailable") - unavailableBefore).isEqualTo(1);
        assertThat(output).contains("Reservation failed closed").doesNotContain(SESSION);
        // The reserve may still land after the cell gave up; its hold must not sit until it expires.
        assertReleasedByRequestId(sessions.nextCall());
    }

    @Test
    void sessionServiceFailingFailsClosedWithoutCallingTheEngine() throws Exception {
        sessions.refuseReservations(500, "");

        post("/v1/chat/completions", STREAMED_CHAT)
                .expectStatus().isEqualTo(503)
                .expectHeader().exists(HttpHeaders.RETRY_AFTER)
                .expectBody().jsonPath("$.error.code").isEqualTo("session_service_unavailable");

        assertThat(engine.receivedCount()).isZero();
        assertReleasedByRequestId(sessions.nextCall());
    }

    @Test
    void promptOfTheWrongShapeIsABadRequestThatNeitherReservesNorMarksTheCellUnavailable() {
        post("/v1/completions", """
                {"model":"stub-model","prompt":[{"a":1}]}""")
                .expectStatus().isBadRequest()
                .expectHeader().doesNotExist(WarmpathHeaders.UNAVAILABLE)
                .expectBody()
                .jsonPath("$.error.type").isEqualTo("invalid_request_error")
                .jsonPath("$.error.param").isEqualTo("prompt");

        assertThat(engine.tokenizedCount()).isZero();
        assertThat(engine.receivedCount()).isZero();
        assertNoFurtherSessionCalls();
    }

    @Test
    void promptTheEngineCannotTokenizeIsRejectedBeforeAnyReservation() {
        engine.tokenizeFailStatus = 400;

        post("/v1/chat/completions", CHAT_WITH_TOOLS)
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.type").isEqualTo("BadRequestError");

        assertThat(engine.receivedCount()).isZero();
        assertNoFurtherSessionCalls();
    }

    @Test
    void turnOfASessionWithoutLimitsReservesNothingAndIsRecordedWithTheEnginesUsage() throws Exception {
        postWithoutLimits(CHAT_WITH_TOOLS).expectStatus().isOk().expectBody(Void.class);

        StubSessionService.Call batch = sessions.nextCall();
        assertThat(batch.method()).isEqualTo("POST");
        assertThat(batch.path()).isEqualTo("/internal/turns");
        assertThat(StubSessionService.claimsOf(batch.headers().getFirst(HttpHeaders.AUTHORIZATION)).path("tenant")
                .asString()).isEqualTo("acme");
        assertThat(batch.body().path("turns").size()).isEqualTo(1);
        JsonNode recorded = batch.body().path("turns").get(0);
        assertThat(recorded.path("session_id").asString()).isEqualTo(SESSION);
        assertThat(recorded.path("request_id").asString()).isNotBlank();
        assertThat(recorded.path("prompt_tokens").asLong()).isEqualTo(11);
        assertThat(recorded.path("cached_tokens").asLong()).isEqualTo(7);
        assertThat(recorded.path("completion_tokens").asLong()).isEqualTo(2);
        assertThat(recorded.path("cell_id").asString()).isEqualTo("cell-budget");
        assertThat(recorded.path("model").asString()).isEqualTo(StubEngine.MODEL);
        assertThat(engine.tokenizedCount()).as("nothing to reserve, nothing to count").isZero();
        assertNoFurtherSessionCalls();
    }

    @Test
    void brokenStreamOfASessionWithoutLimitsIsRecordedWithItsPromptCountedAfterwards() throws Exception {
        engine.streamEnding = StubEngine.StreamEnding.CUT_AFTER_FIRST_TOKEN;
        engine.tokenizeCount = 4242;

        List<String> events = events(postWithoutLimits(STREAMED_CHAT));

        assertThat(events.getLast()).contains("stream_broken");
        StubSessionService.Call batch = sessions.nextCall();
        assertThat(batch.path()).isEqualTo("/internal/turns");
        JsonNode recorded = batch.body().path("turns").get(0);
        assertThat(recorded.path("prompt_tokens").asLong()).isEqualTo(4242);
        assertThat(recorded.path("cached_tokens").asLong()).isZero();
        assertThat(recorded.path("completion_tokens").asLong()).isEqualTo(1);
        assertThat(engine.tokenizedCount()).isEqualTo(1);
    }

    @Test
    void requestWithoutASessionMakesNoSessionCallsAtAll() throws Exception {
        client.post().uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .headers(CellCalls.caller())
                .bodyValue(CHAT_WITH_TOOLS)
                .exchange()
                .expectStatus().isOk()
                .expectBody(Void.class);

        assertNoFurtherSessionCalls();
        assertThat(engine.tokenizedCount()).isZero();
        // Nothing is reserved, so nothing is capped: the engine gets the client's request and the tenant's salt.
        ObjectNode forwarded = (ObjectNode) json.readTree(engine.nextReceived().body());
        assertThat(forwarded.remove("cache_salt").asString()).matches("[0-9a-f]{32}");
        assertThat(forwarded).isEqualTo(json.readTree(CHAT_WITH_TOOLS));
    }

    @Test
    void predictedAndDeliveredCachedTokensAreCountedByModel() {
        double predictedBefore = counter("warmpath.inference.cached.predicted");
        double deliveredBefore = counter("warmpath.inference.cached.delivered");
        DistributionSummary ratiosBefore = ratios();
        long countBefore = ratiosBefore == null ? 0 : ratiosBefore.count();
        double totalBefore = ratiosBefore == null ? 0 : ratiosBefore.totalAmount();

        client.post().uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .headers(CellCalls.turnOf(SESSION))
                .header(WarmpathHeaders.PREDICTED_CACHED_TOKENS, "10")
                .bodyValue(STREAMED_CHAT)
                .exchange()
                .expectStatus().isOk()
                .returnResult(String.class).getResponseBody().blockLast(Duration.ofSeconds(10));

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(counter("warmpath.inference.cached.delivered") - deliveredBefore).isEqualTo(7));
        assertThat(counter("warmpath.inference.cached.predicted") - predictedBefore).isEqualTo(10);
        // One request, 7 delivered of 10 predicted.
        assertThat(ratios().count() - countBefore).isEqualTo(1);
        assertThat(ratios().totalAmount() - totalBefore).isCloseTo(0.7, within(1e-9));
    }

    @Test
    void settleIsRetriedUntilSessionServiceTakesIt() throws Exception {
        sessions.failFollowUps(2);
        double failuresBefore = followUpFailures("settle");

        post("/v1/chat/completions", CHAT_WITH_TOOLS).expectStatus().isOk()
                .expectBody(Void.class);

        sessions.nextCall();
        for (int attempt = 1; attempt <= 3; attempt++) {
            assertThat(sessions.nextCall().path()).as("attempt %d", attempt).endsWith("/settle");
        }
        assertNoFurtherSessionCalls();
        assertThat(followUpFailures("settle")).isEqualTo(failuresBefore);
    }

    @Test
    void settleThatNeverGetsThroughIsCounted() {
        sessions.failFollowUps(100);
        double failuresBefore = followUpFailures("settle");

        post("/v1/chat/completions", CHAT_WITH_TOOLS).expectStatus().isOk()
                .expectBody(Void.class);

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(followUpFailures("settle") - failuresBefore).isEqualTo(1));
        // One reservation, then the first attempt and two retries.
        assertThat(sessions.drain()).extracting(StubSessionService.Call::path)
                .filteredOn(path -> path.endsWith("/settle")).hasSize(3);
    }

    private WebTestClient.ResponseSpec post(String path, String body) {
        return client.post().uri(path)
                .contentType(MediaType.APPLICATION_JSON)
                .headers(CellCalls.turnOf(SESSION))
                .bodyValue(body)
                .exchange();
    }

    /** A chat request of a session the gateway marked as having no limits. */
    private WebTestClient.ResponseSpec postWithoutLimits(String body) {
        return client.post().uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .headers(CellCalls.turnWithoutLimitsOf(SESSION))
                .bodyValue(body)
                .exchange();
    }

    private List<String> stream(String body) {
        return events(post("/v1/chat/completions", body));
    }

    private static List<String> events(WebTestClient.ResponseSpec response) {
        return response
                .expectStatus().isOk()
                .returnResult(String.class)
                .getResponseBody()
                .collectList()
                .block(Duration.ofSeconds(10));
    }

    /** A settlement without engine usage: the prompt the reservation counted, nothing cached, one token seen. */
    private static void assertSettledWithoutUsage(String reservation, StubSessionService.Call settle) {
        assertThat(settle.method()).isEqualTo("POST");
        assertThat(settle.path()).isEqualTo(reservation + "/settle");
        assertThat(settle.body().path("prompt_tokens").asLong()).isEqualTo(4242);
        assertThat(settle.body().path("cached_tokens").asLong()).isZero();
        // The stub engine's "Hel": the role chunk carries no content.
        assertThat(settle.body().path("completion_tokens").asLong()).isEqualTo(1);
    }

    /** The reserve call, then its release by the request id it carried. */
    private static void assertReleasedByRequestId(StubSessionService.Call reserve) throws InterruptedException {
        assertThat(reserve.path()).isEqualTo("/internal/sessions/" + SESSION + "/reservations");
        String requestId = reserve.body().path("request_id").asString();
        StubSessionService.Call release = sessions.nextCall();
        assertThat(release.method()).isEqualTo("DELETE");
        assertThat(release.path()).isEqualTo("/internal/sessions/" + SESSION + "/reservations/by-request/" + requestId);
        assertThat(release.headers().getFirst(HttpHeaders.AUTHORIZATION)).isEqualTo(TURN_BEARER);
    }

    /** The path a reservation is settled or released under, from the stub's grant order. */
    private static String reservationPath(StubSessionService.Call reserve) {
        assertThat(reserve.path()).endsWith("/reservations");
        return "/internal/reservations/" + sessions.lastGranted();
    }

    private void assertNoFurtherSessionCalls() {
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(sessions.pendingCalls()).isEmpty());
    }

    private double counter(String name) {
        return meters.find(name).tag("model", StubEngine.MODEL).counters().stream().mapToDouble(Counter::count).sum();
    }

    private DistributionSummary ratios() {
        return meters.find("warmpath.inference.cached.delivery.ratio").tag("model", StubEngine.MODEL).summary();
    }

    private double reservations(String outcome) {
        Counter counter = meters.find("warmpath.inference.reservations").tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    private double followUpFailures(String operation) {
        Counter counter = meters.find("warmpath.inference.settlement.failures").tag("operation", operation).counter();
        return counter == null ? 0 : counter.count();
    }
}
