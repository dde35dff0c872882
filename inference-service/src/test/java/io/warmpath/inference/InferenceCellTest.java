package io.warmpath.inference;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.warmpath.assertion.testing.TestAssertions;
import io.warmpath.contracts.WarmpathHeaders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The cell in front of a scripted stub engine: relaying, honest termination, failures, status and readiness. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        // Engine and budgets alone: the region re-check has its own test (RegionCheckTest).
        "warmpath.cell.policy-enabled=false",
        "warmpath.cell.id=cell-test",
        "warmpath.cell.region=eu-test",
        "warmpath.cell.status-interval=100ms",
        "warmpath.cell.retry-after=3s",
        "warmpath.cell.timeouts.response=1s",
        "warmpath.cell.timeouts.unary-response=4s",
        "warmpath.cell.cache-salt.secret=test-secret"})
@AutoConfigureWebTestClient(timeout = "30s") // the default 5 s is too short on a busy CI machine
class InferenceCellTest {

    private static final StubEngine engine = new StubEngine();
    private static final String CHAT = """
            {"model":"stub-model","messages":[{"role":"user","content":"secret prompt"}]}""";
    /** HMAC-SHA256("test-secret", tenant), cut to 32 hex characters, computed elsewhere. */
    private static final String ACME_SALT = "14d787460c7d2f49521a6586440c1f17";
    private static final String GLOBEX_SALT = "586aa6adcf94ed781a4cb147e7eb0a48";
    private static final String STREAMED_CHAT = """
            {"model":"stub-model","stream":true,"messages":[{"role":"user","content":"secret prompt"}]}""";

    @Autowired
    private WebTestClient client;

    @LocalManagementPort
    private int managementPort;

    @BeforeEach
    void authenticate() {
        client = client.mutate().defaultHeaders(CellCalls.caller()).build();
    }

    @Autowired
    private MeterRegistry meters;

    private final JsonMapper json = JsonMapper.shared();

    @DynamicPropertySource
    static void engineUrl(DynamicPropertyRegistry registry) {
        registry.add("warmpath.cell.engine-url", engine::url);
    }

    @AfterEach
    void resetEngine() {
        engine.reset();
    }

    @AfterAll
    static void stopEngine() {
        engine.close();
    }

    @Test
    void jsonCompletionIsRelayedAndItsUsageRecorded() throws Exception {
        double cachedBefore = tokens("cached");
        double promptBefore = tokens("prompt");

        client.post().uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .headers(CellCalls.caller())
                .header(WarmpathHeaders.SESSION_AFFINITY, "session-42")
                .bodyValue(CHAT)
                .exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(WarmpathHeaders.CELL, "cell-test")
                .expectBody()
                .jsonPath("$.choices[0].message.content").isEqualTo("Hello")
                .jsonPath("$.usage.prompt_tokens_details.cached_tokens").isEqualTo(7);

        StubEngine.Received received = engine.nextReceived();
        assertThat(received.headers().containsKey(HttpHeaders.AUTHORIZATION)).isFalse();
        // The affinity value can be a session's bearer-like token: it stays at the cell like Authorization.
        assertThat(received.headers().containsKey(WarmpathHeaders.SESSION_AFFINITY)).isFalse();
        // The client's request, with the cell's cache salt for its tenant.
        assertThat(json.readTree(received.body()))
                .isEqualTo(((ObjectNode) json.readTree(CHAT)).put("cache_salt", ACME_SALT));
        assertThat(tokens("cached") - cachedBefore).isEqualTo(7);
        assertThat(tokens("prompt") - promptBefore).isEqualTo(11);
    }

    @Test
    void everyEngineRequestCarriesItsTenantsCacheSaltWhateverTheClientSent() throws Exception {
        client.post().uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("""
                        {"model":"stub-model","cache_salt":"14d787460c7d2f49521a6586440c1f17x","messages":[{"role":"user"}]}""")
                .exchange()
                .expectStatus().isOk()
                .expectBody(Void.class);
        assertThat(json.readTree(engine.nextReceived().body()).path("cache_salt").asString()).isEqualTo(ACME_SALT);

        // Another tenant's streamed completion, with a client salt naming the first tenant's.
        client.post().uri("/v1/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .headers(CellCalls.as(TestAssertions.caller("globex")))
                .bodyValue("{\"stream\":true,\"prompt\":\"once\",\"cache_salt\":\"" + ACME_SALT + "\"}")
                .exchange()
                .expectStatus().isOk()
                .returnResult(String.class).getResponseBody().blockLast(Duration.ofSeconds(10));
        assertThat(json.readTree(engine.nextReceived().body()).path("cache_salt").asString()).isEqualTo(GLOBEX_SALT);
    }

    @Test
    void streamIsRelayedChunkByChunkWithoutTheUsageChunkTheClientDidNotAskFor() throws Exception {
        var hold = new CountDownLatch(1);
        engine.holdAfterFirstToken = hold;
        double cachedBefore = tokens("cached");

        Flux<String> events = client.post().uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(STREAMED_CHAT)
                .exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(WarmpathHeaders.CELL, "cell-test")
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
                .returnResult(String.class)
                .getResponseBody();

        StepVerifier.create(events)
                .assertNext(role -> assertThat(role).contains("\"role\":\"assistant\""))
                // The engine is still holding the rest: this chunk can only arrive if nothing is buffered.
                .assertNext(first -> assertThat(first).contains("\"content\":\"Hel\""))
                .then(() -> assertThat(cellStatus().path("in_flight").asInt()).isEqualTo(1))
                .then(hold::countDown)
                .assertNext(last -> assertThat(last).contains("\"content\":\"lo\""))
                .expectNext("[DONE]")
                .expectComplete()
                .verify(Duration.ofSeconds(10));

        String forwarded = engine.nextReceived().body();
        assertThat(json.readTree(forwarded).path("stream_options").path("include_usage").asBoolean()).isTrue();
        // Usage was observed on the way although the client never saw it.
        assertThat(tokens("cached") - cachedBefore).isEqualTo(7);
        assertThat(meters.get("warmpath.inference.ttft").tag("model", "stub-model").timer().count()).isPositive();
        await().untilAsserted(() -> assertThat(cellStatus().path("in_flight").asInt()).isZero());
    }

    @Test
    void streamKeepsTheUsageChunkWhenTheClientAskedForItAndKeepsVllmFraming() {
        String body = """
                {"model":"stub-model","stream":true,"stream_options":{"include_usage":true},"prompt":"once upon"}""";

        byte[] raw = client.post().uri("/v1/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus().isOk()
                .expectBody(byte[].class)
                .returnResult()
                .getResponseBody();

        String text = new String(raw, StandardCharsets.UTF_8);
        assertThat(text).startsWith("data: {").endsWith("data: [DONE]\n\n");
        assertThat(text).contains("\"choices\":[],\"usage\":{\"prompt_tokens\":11");
        assertThat(text.indexOf("\"usage\"")).isLessThan(text.indexOf("[DONE]"));
    }

    @Test
    void streamCutByTheEngineEndsWithAnErrorEventAndNoDone() {
        engine.streamEnding = StubEngine.StreamEnding.CUT_AFTER_FIRST_TOKEN;
        double brokenBefore = requests("stream_broken");

        var events = streamedEvents();

        assertThat(events).hasSize(3);
        assertThat(events.get(1)).contains("\"content\":\"Hel\"");
        JsonNode error = json.readTree(events.getLast()).path("error");
        assertThat(error.path("code").asString()).isEqualTo("stream_broken");
        assertThat(error.path("type").asString()).isEqualTo("server_error");
        assertThat(events).doesNotContain("[DONE]");
        assertThat(requests("stream_broken") - brokenBefore).isEqualTo(1);
    }

    @Test
    void streamStallingMidwayEndsWithAnErrorEventAndNoDone() {
        engine.streamEnding = StubEngine.StreamEnding.STALL_AFTER_FIRST_TOKEN;
        engine.stallMidStream = Duration.ofSeconds(3);

        var events = streamedEvents();

        assertThat(events.getLast()).contains("stream_broken");
        assertThat(events).doesNotContain("[DONE]");
    }

    @Test
    void engineTooSlowToStartAStreamIsAGatewayTimeoutWithRetryAfter() {
        engine.stallBeforeAnswer = Duration.ofSeconds(2);

        client.post().uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(STREAMED_CHAT)
                .exchange()
                .expectStatus().isEqualTo(504)
                .expectHeader().valueEquals(HttpHeaders.RETRY_AFTER, "3")
                .expectHeader().valueEquals(WarmpathHeaders.CELL, "cell-test")
                .expectHeader().doesNotExist(WarmpathHeaders.UNAVAILABLE)
                .expectBody()
                .jsonPath("$.error.code").isEqualTo("engine_timeout");
    }

    @Test
    void nonStreamedAnswerMayTakeLongerThanTheStreamTimeout() {
        // Longer than timeouts.response (1s), within timeouts.unary-response (4s): a long generation, not a stall.
        engine.stallBeforeAnswer = Duration.ofSeconds(2);

        client.post().uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(CHAT)
                .exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.choices[0].message.content").isEqualTo("Hello");
    }

    @Test
    void nonStreamedAnswerLaterThanItsOwnTimeoutIsAGatewayTimeout() {
        engine.stallBeforeAnswer = Duration.ofSeconds(6);

        client.mutate().responseTimeout(Duration.ofSeconds(15)).build()
                .post().uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(CHAT)
                .exchange()
                .expectStatus().isEqualTo(504)
                .expectBody().jsonPath("$.error.code").isEqualTo("engine_timeout");
    }

    @Test
    void engineServerErrorOnOneRequestIsABadGatewayThatLeavesTheCellInRouting() {
        engine.failStatus = 500;
        double engineErrorsBefore = requests("engine_error");

        client.post().uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(STREAMED_CHAT)
                .exchange()
                .expectStatus().isEqualTo(502)
                .expectHeader().valueEquals(WarmpathHeaders.CELL, "cell-test")
                // Only an engine the cell cannot reach takes the cell out of routing (see EngineDownTest).
                .expectHeader().doesNotExist(WarmpathHeaders.UNAVAILABLE)
                .expectBody()
                .jsonPath("$.error.code").isEqualTo("engine_error")
                .jsonPath("$.error.type").isEqualTo("server_error")
                .jsonPath("$.error.message").isNotEmpty();
        assertThat(requests("engine_error") - engineErrorsBefore).isEqualTo(1);
    }

    @Test
    void enginesFlatErrorOfOlderVllmReachesTheClientInTheOpenAiEnvelope() {
        engine.failStatus = 400;
        engine.flatErrors = true;

        client.post().uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(CHAT)
                .exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody()
                .jsonPath("$.error.message").isEqualTo("injected")
                .jsonPath("$.error.type").isEqualTo("BadRequestError")
                .jsonPath("$.error.code").isEqualTo(400)
                .jsonPath("$.error.object").doesNotExist()
                .jsonPath("$.object").doesNotExist();
    }

    @Test
    void completionLimitTheModelCannotHoldIsABadRequestNamingTheFieldThatNeverReachesTheEngine() {
        awaitModels();

        for (String limit : new String[] {"\"max_tokens\":8193", "\"max_completion_tokens\":8193",
                "\"max_tokens\":\"64\"", "\"max_tokens\":12.5", "\"max_completion_tokens\":0", "\"max_tokens\":-1"}) {
            String field = limit.substring(1, limit.indexOf('"', 1));
            client.post().uri("/v1/chat/completions")
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"model\":\"stub-model\"," + limit + ",\"messages\":[{\"role\":\"user\"}]}")
                    .exchange()
                    .expectStatus().isBadRequest()
                    .expectBody()
                    .jsonPath("$.error.type").isEqualTo("invalid_request_error")
                    .jsonPath("$.error.code").isEqualTo("invalid_request")
                    .jsonPath("$.error.param").isEqualTo(field);
        }
        client.post().uri("/v1/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"prompt\":\"once\",\"max_tokens\":9000}")
                .exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.param").isEqualTo("max_tokens")
                .jsonPath("$.error.message").value(message -> assertThat((String) message).contains("8192"));
        assertThat(engine.receivedCount()).isZero();
    }

    @Test
    void completionLimitIsLeftToTheEngineWhenItReportsNoContextLength() {
        engine.maxModelLen = 0;

        // Until the next poll the cell still knows the old length.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> client.post().uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"stub-model\",\"max_tokens\":100000,\"messages\":[{\"role\":\"user\"}]}")
                .exchange()
                .expectStatus().isOk()
                .expectBody(Void.class));
    }

    @Test
    void enginesClientErrorReachesTheClientWithSecretsItQuotesRedacted() {
        engine.failStatus = 400;
        engine.failMessage = "Invalid tool argument 'sk-proj-abcdefghijklmnopqrstuvwx1234' for jane.doe@example.com";

        for (boolean flat : new boolean[] {false, true}) {
            engine.flatErrors = flat;
            byte[] body = client.post().uri("/v1/chat/completions")
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(CHAT)
                    .exchange()
                    .expectStatus().isBadRequest()
                    .expectBody().returnResult().getResponseBody();

            String message = json.readTree(body).path("error").path("message").asString();
            assertThat(message).as("flat=%s", flat).startsWith("Invalid tool argument '")
                    .contains("[REDACTED:api_key]", "[REDACTED:email]")
                    .doesNotContain("sk-proj-abcdefghijklmnopqrstuvwx1234", "jane.doe@example.com");
            assertThat(new String(body, StandardCharsets.UTF_8)).doesNotContain("abcdefghijklmnopqrstuvwx1234", "jane.doe");
        }
    }

    @Test
    void completionPromptOfTheWrongShapeIsABadRequestAndNeverReachesTheEngine() {
        client.post().uri("/v1/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"stub-model\",\"prompt\":[{\"a\":1}]}")
                .exchange()
                .expectStatus().isBadRequest()
                .expectHeader().doesNotExist(WarmpathHeaders.UNAVAILABLE)
                .expectBody().jsonPath("$.error.param").isEqualTo("prompt");
        assertThat(engine.receivedCount()).isZero();
    }

    @Test
    void enginesOwnClientErrorPassesThroughUnchanged() {
        client.post().uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"" + StubEngine.UNKNOWN_MODEL + "\",\"messages\":[{\"role\":\"user\"}]}")
                .exchange()
                .expectStatus().isNotFound()
                .expectHeader().valueEquals(WarmpathHeaders.CELL, "cell-test")
                .expectBody()
                .jsonPath("$.error.code").isEqualTo("model_not_found")
                .jsonPath("$.error.type").isEqualTo("NotFoundError");
    }

    @Test
    void malformedJsonIsABadRequestInOpenAiShape() {
        client.post().uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"messages\": [")
                .exchange()
                .expectStatus().isBadRequest()
                .expectHeader().valueEquals(WarmpathHeaders.CELL, "cell-test")
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody()
                .jsonPath("$.error.type").isEqualTo("invalid_request_error")
                .jsonPath("$.error.code").isEqualTo("invalid_json")
                .jsonPath("$.error.message").isNotEmpty();
    }

    @Test
    void completionWithoutPromptIsABadRequestAndNeverReachesTheEngine() {
        client.post().uri("/v1/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"stub-model\"}")
                .exchange()
                .expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.error.param").isEqualTo("prompt");

        client.post().uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("\"just a string\"")
                .exchange()
                .expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.error.code").isEqualTo("invalid_request_body");
        assertThat(engine.receivedCount()).isZero();
    }

    @Test
    void modelsAreRelayedFromTheEngine() {
        client.get().uri("/v1/models")
                .exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(WarmpathHeaders.CELL, "cell-test")
                .expectBody()
                .jsonPath("$.data[0].id").isEqualTo(StubEngine.MODEL);
    }

    @Test
    void cellStatusReportsTheEnginesRunningAndWaitingRequests() {
        engine.running = 4;
        engine.waiting = 9;

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            JsonNode status = cellStatus();
            assertThat(status.path("running").asInt()).isEqualTo(4);
            assertThat(status.path("waiting").asInt()).isEqualTo(9);
        });
        JsonNode status = cellStatus();
        assertThat(status.path("cell_id").asString()).isEqualTo("cell-test");
        assertThat(status.path("region").asString()).isEqualTo("eu-test");
        assertThat(status.path("models").get(0).asString()).isEqualTo(StubEngine.MODEL);
        assertThat(status.path("ready").asBoolean()).isTrue();
        assertThat(status.path("in_flight").asInt()).isZero();
    }

    @Test
    void readinessFollowsTheEnginesHealth() {
        await().atMost(Duration.ofSeconds(5)).until(() -> readinessStatus() == 200);

        engine.healthy = false;

        await().atMost(Duration.ofSeconds(5)).until(() -> readinessStatus() == 503);
        assertThat(cellStatus().path("ready").asBoolean()).isFalse();
        CellCalls.management(managementPort).get().uri("/actuator/health/liveness").exchange().expectStatus().isOk()
                .expectBody(Void.class);

        engine.healthy = true;

        await().atMost(Duration.ofSeconds(5)).until(() -> readinessStatus() == 200);
    }

    @Test
    void prometheusExposesTokenMetricsTaggedWithTheCell() {
        client.post().uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(CHAT)
                .exchange()
                .expectStatus().isOk()
                .expectBody(Void.class);

        String scrape = CellCalls.management(managementPort).get().uri("/actuator/prometheus")
                .exchange()
                .expectStatus().isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();

        assertThat(scrape.lines()
                .filter(line -> line.startsWith("warmpath_inference_tokens_total{"))
                .filter(line -> line.contains("cell=\"cell-test\""))
                .filter(line -> line.contains("class=\"cached\""))
                .filter(line -> line.contains("model=\"stub-model\"")))
                .isNotEmpty();
        assertThat(scrape).contains("warmpath_inference_duration_seconds_bucket{");
        assertThat(scrape).doesNotContain("secret prompt");
    }

    @Test
    void responsesTheCellDidNotRenderItselfCarryTheCellHeaderToo() {
        client.get().uri("/v1/no-such-api").exchange()
                .expectStatus().isNotFound()
                .expectHeader().valueEquals(WarmpathHeaders.CELL, "cell-test");
        CellCalls.management(managementPort).get().uri("/actuator/health/liveness").exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(WarmpathHeaders.CELL, "cell-test");
    }

    private java.util.List<String> streamedEvents() {
        return client.post().uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(STREAMED_CHAT)
                .exchange()
                .expectStatus().isOk()
                .returnResult(String.class)
                .getResponseBody()
                .collectList()
                .block(Duration.ofSeconds(10));
    }

    /** The models and their context lengths, which the cell learns from its first poll. */
    private void awaitModels() {
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(cellStatus().path("models").path(0).asString()).isEqualTo(StubEngine.MODEL));
    }

    private JsonNode cellStatus() {
        byte[] body = client.get().uri("/cell/status").headers(CellCalls.prober())
                .exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(WarmpathHeaders.CELL, "cell-test")
                .expectBody()
                .returnResult()
                .getResponseBody();
        return json.readTree(body);
    }

    private int readinessStatus() {
        return CellCalls.management(managementPort).get().uri("/actuator/health/readiness").exchange().returnResult(String.class)
                .getStatus().value();
    }

    private double tokens(String tokenClass) {
        return sum(meters.find("warmpath.inference.tokens").tag("class", tokenClass).counters());
    }

    private double requests(String outcome) {
        return sum(meters.find("warmpath.inference.requests").tag("outcome", outcome).counters());
    }

    /** Summed over the other tags (model, stream), whichever series earlier tests created. */
    private static double sum(java.util.Collection<Counter> counters) {
        return counters.stream().mapToDouble(Counter::count).sum();
    }
}
