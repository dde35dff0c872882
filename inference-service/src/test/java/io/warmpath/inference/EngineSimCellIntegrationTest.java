package io.warmpath.inference;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.warmpath.assertion.testing.TestAssertions;
import io.warmpath.contracts.WarmpathHeaders;
import io.warmpath.contracts.testing.StubSessionService;
import io.warmpath.enginesim.EngineSimApplication;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The cell in front of the real engine simulator, started in this JVM: the cache pays off through the cell. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        // Engine and budgets alone: the region re-check has its own test (RegionCheckTest).
        "warmpath.cell.policy-enabled=false",
        "warmpath.cell.id=cell-sim",
        "warmpath.cell.status-interval=200ms"})
@AutoConfigureWebTestClient(timeout = "30s") // the default 5 s is too short on a busy CI machine
class EngineSimCellIntegrationTest {

    private static final String MODEL = "kimi-k2.5";

    // Both modules ship an application.yml and the cell's comes first on this classpath, so the engine is told to
    // read none (spring.config.name) and gets its own engine.* properties directly.
    private static final ConfigurableApplicationContext engineSim = new SpringApplicationBuilder(EngineSimApplication.class)
            .run("--spring.config.name=engine-sim-in-process", "--spring.application.name=engine-sim",
                    "--server.port=0", "--spring.main.banner-mode=off",
                    "--engine.served-model-name=" + MODEL, "--engine.time-scale=0.01",
                    // The fault admin is off by default; these tests inject faults through it.
                    "--engine.admin.enabled=true",
                    // The cell's security is on this test's classpath; the engine has none, as in production.
                    "--spring.autoconfigure.exclude=org.springframework.boot.security.autoconfigure."
                            + "SecurityAutoConfiguration,org.springframework.boot.security.autoconfigure.web.reactive."
                            + "ReactiveWebSecurityAutoConfiguration,org.springframework.boot.security.autoconfigure."
                            + "ReactiveUserDetailsServiceAutoConfiguration,org.springframework.boot.security."
                            + "autoconfigure.actuate.web.reactive.ReactiveManagementWebSecurityAutoConfiguration");

    private static final StubSessionService sessions = StubSessionService.start();

    private final JsonMapper json = JsonMapper.shared();

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

    @DynamicPropertySource
    static void engineUrl(DynamicPropertyRegistry registry) {
        registry.add("warmpath.cell.engine-url", () -> "http://127.0.0.1:" + enginePort());
        registry.add("warmpath.cell.sessions-url", sessions::url);
        registry.add("warmpath.cell.sessions-timeout", () -> "2s");
    }

    @AfterAll
    static void stopEngine() {
        engineSim.close();
        sessions.close();
    }

    @BeforeEach
    void patientClient() {
        client = client.mutate().responseTimeout(Duration.ofSeconds(30)).build();
    }

    @AfterEach
    void clearEngineFaults() {
        engineAdmin().delete().uri("/admin/faults").exchange().expectStatus().is2xxSuccessful();
    }

    @Test
    void embeddingsReachTheEngineAndComeBackAsItAnsweredWithTheirTokensCounted() {
        double before = tokens("prompt");

        JsonNode answer = client.post().uri("/v1/embeddings").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"" + MODEL + "\",\"input\":[\"first\",\"second\"],\"dimensions\":16}")
                .exchange().expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();

        assertThat(answer.path("data")).hasSize(2);
        assertThat(answer.path("data").get(0).path("embedding")).hasSize(16);
        assertThat(tokens("prompt") - before).isEqualTo(answer.path("usage").path("prompt_tokens").asDouble());
        client.post().uri("/v1/embeddings").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"" + MODEL + "\",\"input\":[]}").exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.error.param").isEqualTo("input");
        client.post().uri("/v1/embeddings").contentType(MediaType.APPLICATION_JSON).bodyValue("[1]").exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.error.code").isEqualTo("invalid_request_body");
    }

    private double tokens(String tokenClass) {
        var counter = meters.find("warmpath.inference.tokens").tag("class", tokenClass).tag("model", MODEL).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void secondTurnIsServedFromCacheThroughTheCell() {
        double cachedBefore = cachedTokens();
        // A system prompt no earlier request has seen, long enough to fill many 16-token blocks.
        String system = "Session " + UUID.randomUUID() + ". You are a meticulous travel planner. "
                + "Answer with concrete days, places and costs. ".repeat(40);
        ArrayNode messages = json.createArrayNode();
        messages.add(message("system", system));
        messages.add(message("user", "Plan three days in Lisbon."));

        JsonNode firstTurn = completeThroughCell(messages);
        long firstPrompt = firstTurn.path("usage").path("prompt_tokens").asLong();
        long firstCached = firstTurn.path("usage").path("prompt_tokens_details").path("cached_tokens").asLong();
        assertThat(firstPrompt).isGreaterThan(200);

        messages.add(message("assistant", firstTurn.path("choices").get(0).path("message").path("content").asString()));
        messages.add(message("user", "And what would it cost?"));
        List<String> secondTurn = streamThroughCell(messages);

        assertThat(secondTurn.getLast()).isEqualTo("[DONE]");
        JsonNode usage = json.readTree(secondTurn.get(secondTurn.size() - 2)).path("usage");
        long secondCached = usage.path("prompt_tokens_details").path("cached_tokens").asLong();
        // Turn 1's prompt is a prefix of turn 2's: all its full blocks are reused.
        assertThat(secondCached).isGreaterThan(firstCached).isGreaterThanOrEqualTo(firstPrompt - 2 * 16);
        assertThat(secondCached).isLessThan(usage.path("prompt_tokens").asLong());
        assertThat(cachedTokens() - cachedBefore).isEqualTo(firstCached + secondCached);
    }

    @Test
    void aTurnThatChangesTheSystemPromptSaysWhereItBrokeTheCachedPrefix() {
        String session = "ses_prefix" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        String system = "You are a release manager. " + UUID.randomUUID() + " Answer briefly. ".repeat(20);
        ArrayNode messages = json.createArrayNode().add(message("system", system))
                .add(message("user", "Which tickets block the release?"));

        assertThat(turnHeaders(session, messages).getFirst(WarmpathHeaders.PREFIX_BREAK)).isNull();
        messages.add(message("assistant", "Two.")).add(message("user", "Which ones?"));
        assertThat(turnHeaders(session, messages).getFirst(WarmpathHeaders.PREFIX_BREAK)).as("only appended")
                .isNull();
        // A timestamp in the system prompt: the most common way an agent loses its cache on every turn.
        messages.set(0, message("system", system + " It is 10:42."));
        messages.add(message("assistant", "TCK-1 and TCK-2.")).add(message("user", "Thanks."));

        assertThat(turnHeaders(session, messages).getFirst(WarmpathHeaders.PREFIX_BREAK)).isEqualTo("system@0");
        assertThat(meters.find("warmpath.inference.prefix.breaks").tag("section", "system").counter()).isNotNull()
                .satisfies(breaks -> assertThat(breaks.count()).isPositive());
    }

    @Test
    void toolsAClientReordersReachTheEngineInTheSessionsFirstOrderSoTheCacheHolds() {
        String session = "ses_tools" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        ArrayNode messages = json.createArrayNode()
                .add(message("system", "You are a build doctor. " + UUID.randomUUID() + " Be brief. ".repeat(20)))
                .add(message("user", "Why is the build red?"));
        ArrayNode tools = tools("read_log", "list_jobs", "rerun_job");

        turn(session, messages, tools);
        messages.add(message("assistant", "A test failed.")).add(message("user", "Which one?"));
        ArrayNode reordered = json.createArrayNode().add(tools.get(2)).add(tools.get(0)).add(tools.get(1));
        EntityExchangeResult<byte[]> second = turn(session, messages, reordered);

        assertThat(second.getResponseHeaders().getFirst(WarmpathHeaders.PREFIX_BREAK)).isNull();
        JsonNode usage = json.readTree(second.getResponseBody()).path("usage");
        // The system prompt and all three tools came from cache: well over half the prompt.
        assertThat(usage.path("prompt_tokens_details").path("cached_tokens").asLong() * 2)
                .isGreaterThan(usage.path("prompt_tokens").asLong());
    }

    @Test
    void aSessionsTrimmedToolsStayOutOfEveryTurnAndWhatTheyWouldHaveCostGoesWithItsUsage() throws Exception {
        sessions.trimTools(java.util.Set.of("deploy", "rollback"));
        try {
            String session = "ses_trim" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
            ArrayNode messages = json.createArrayNode()
                    .add(message("system", "You are a release bot. " + UUID.randomUUID() + " Be brief. ".repeat(20)))
                    .add(message("user", "Is the release ready?"));
            ArrayNode tools = tools("read_log", "deploy", "rollback");
            int toolSetCalls = sessions.toolSetCalls();

            EntityExchangeResult<byte[]> trimmed = toolTurn(session, messages, tools, null, false);
            String untouchedSession = session.replace("ses_trim", "ses_full");
            EntityExchangeResult<byte[]> optedOut = toolTurn(untouchedSession, messages, tools, null, true);

            assertThat(trimmed.getResponseHeaders().getFirst(WarmpathHeaders.TOOLS_TRIMMED)).isEqualTo("2");
            assertThat(optedOut.getResponseHeaders().getFirst(WarmpathHeaders.TOOLS_TRIMMED)).isNull();
            long trimmedPrompt = promptTokens(trimmed);
            assertThat(promptTokens(optedOut) - trimmedPrompt).as("two of three long tools left out")
                    .isGreaterThan(100);
            JsonNode use = recordedToolUse(session);
            assertThat(use.path("offered").asBoolean()).isTrue();
            assertThat(use.path("trimmed_tools").asInt()).isEqualTo(2);
            assertThat(use.path("trimmed_tokens").asLong()).isGreaterThan(100);

            // The model calls a tool it was offered: the call goes with the turn's usage, and the prefix holds.
            messages.add(message("assistant", "Let me look.")).add(message("user", "Read the log."));
            EntityExchangeResult<byte[]> called = toolTurn(session, messages, tools, "read_log", false);
            assertThat(called.getResponseHeaders().getFirst(WarmpathHeaders.TOOLS_TRIMMED)).isEqualTo("2");
            assertThat(called.getResponseHeaders().getFirst(WarmpathHeaders.PREFIX_BREAK)).isNull();
            assertThat(recordedToolUse(session).path("called").values()).extracting(JsonNode::asString)
                    .containsExactly("read_log");
            assertThat(sessions.toolSetCalls() - toolSetCalls).as("asked once, for the trimmed session").isEqualTo(1);

            // A turn that names a trimmed tool in tool_choice needs it: it goes untrimmed.
            EntityExchangeResult<byte[]> forced = toolTurn(session, messages, tools, "deploy", false);
            assertThat(forced.getResponseHeaders().getFirst(WarmpathHeaders.TOOLS_TRIMMED)).isNull();
            assertThat(recordedToolUse(session).path("called").values()).extracting(JsonNode::asString)
                    .containsExactly("deploy");
        } finally {
            sessions.trimTools(java.util.Set.of());
        }
    }

    /** Function tools of these names, each with a description of some 80 tokens. */
    private ArrayNode tools(String... names) {
        ArrayNode tools = json.createArrayNode();
        for (String name : names) {
            tools.addObject().put("type", "function").putObject("function").put("name", name)
                    .put("description", "Does " + name + " for the build. ".repeat(10))
                    .putObject("parameters").put("type", "object");
        }
        return tools;
    }

    private EntityExchangeResult<byte[]> toolTurn(String session, ArrayNode messages, ArrayNode tools,
            String toolChoice, boolean optOut) {
        ObjectNode request = json.createObjectNode().put("model", MODEL).put("max_tokens", 2);
        request.set("messages", messages.deepCopy());
        request.set("tools", tools.deepCopy());
        if (toolChoice != null) {
            request.putObject("tool_choice").put("type", "function").putObject("function").put("name", toolChoice);
        }
        return client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .headers(CellCalls.turnWithoutLimitsOf(session))
                .headers(headers -> {
                    if (optOut) {
                        headers.set(WarmpathHeaders.TOOL_TRIMMING, WarmpathHeaders.TOOL_TRIMMING_OFF);
                    }
                })
                .bodyValue(json.writeValueAsString(request))
                .exchange()
                .expectStatus().isOk()
                .expectBody().returnResult();
    }

    private long promptTokens(EntityExchangeResult<byte[]> answer) {
        return json.readTree(answer.getResponseBody()).path("usage").path("prompt_tokens").asLong();
    }

    /** The tool use of the session's next turn the cell records at session-service. */
    private JsonNode recordedToolUse(String session) throws InterruptedException {
        while (true) {
            StubSessionService.Call call = sessions.nextCall();
            for (JsonNode turn : call.body().path("turns")) {
                if (session.equals(turn.path("session_id").asString())) {
                    return turn.path("tool_use");
                }
            }
        }
    }

    private EntityExchangeResult<byte[]> turn(String session, ArrayNode messages, ArrayNode tools) {
        ObjectNode request = json.createObjectNode().put("model", MODEL).put("max_tokens", 2);
        request.set("messages", messages.deepCopy());
        request.set("tools", tools.deepCopy());
        return client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .headers(CellCalls.turnWithoutLimitsOf(session))
                .bodyValue(json.writeValueAsString(request))
                .exchange()
                .expectStatus().isOk()
                .expectBody().returnResult();
    }

    private HttpHeaders turnHeaders(String session, ArrayNode messages) {
        ObjectNode request = json.createObjectNode().put("model", MODEL).put("max_tokens", 2);
        request.set("messages", messages);
        return client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .headers(CellCalls.turnWithoutLimitsOf(session))
                .bodyValue(json.writeValueAsString(request))
                .exchange()
                .expectStatus().isOk()
                .expectBody().returnResult().getResponseHeaders();
    }

    @Test
    void tenantsDoNotShareThePrefixCacheWhateverSaltTheClientSends() {
        // Long enough for many 16-token blocks, and seen by no earlier request.
        String prompt = "Contract " + UUID.randomUUID() + ". " + "The supplier delivers every part on time. ".repeat(30);
        Consumer<HttpHeaders> acme = CellCalls.as(TestAssertions.caller("acme"));
        Consumer<HttpHeaders> globex = CellCalls.as(TestAssertions.caller("globex"));

        assertThat(cachedTokensOf(prompt, acme, null)).isZero();
        assertThat(cachedTokensOf(prompt, acme, null)).as("the same tenant again").isGreaterThan(100);
        // Without salts the engine would serve these from acme's blocks, and the timing would tell globex so.
        assertThat(cachedTokensOf(prompt, globex, null)).as("another tenant").isZero();
        assertThat(cachedTokensOf(prompt, globex, "")).as("the other tenant again, sending a salt vLLM would reject").isGreaterThan(100);
        // A salt of the client's own is overwritten: honoured, it would find nothing cached under it.
        assertThat(cachedTokensOf(prompt, acme, "my-own-salt")).as("the first tenant, own salt").isGreaterThan(100);
    }

    @Test
    void sessionTurnReservesExactlyThePromptTheEngineThenBills() throws Exception {
        ObjectNode request = json.createObjectNode().put("model", MODEL).put("max_tokens", 12);
        request.set("messages", json.createArrayNode()
                .add(message("system", "You are a release manager. " + UUID.randomUUID()))
                .add(message("user", "Which tickets block the release?")));
        request.set("tools", json.readTree("""
                [{"type":"function","function":{"name":"search_tickets","description":"Search the tracker",
                  "parameters":{"type":"object","properties":{"query":{"type":"string"}},"required":["query"]}}}]"""));

        byte[] body = client.post().uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .headers(CellCalls.turnOf("ses_integration"))
                .bodyValue(json.writeValueAsString(request))
                .exchange()
                .expectStatus().isOk()
                .expectBody().returnResult().getResponseBody();

        long billedPrompt = json.readTree(body).path("usage").path("prompt_tokens").asLong();
        JsonNode reserved = nextBudgetCall().body();
        JsonNode settled = nextBudgetCall().body();
        // The engine's /tokenize counted the chat template and the tool schema exactly as the completion did.
        assertThat(reserved.path("prompt_tokens").asLong()).isEqualTo(billedPrompt).isGreaterThan(20);
        assertThat(reserved.path("max_tokens").asLong()).isEqualTo(12);
        assertThat(settled.path("prompt_tokens").asLong()).isEqualTo(billedPrompt);
        assertThat(settled.path("completion_tokens").asLong()).isEqualTo(12);
    }

    @Test
    void streamTheEngineCutsOffReachesTheClientAsAnErrorEventWithoutDone() {
        engineAdmin().put().uri("/admin/faults").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"cutAfterTokens\": 3}")
                .exchange().expectStatus().is2xxSuccessful();
        ArrayNode messages = json.createArrayNode().add(message("user", "Tell a long story " + UUID.randomUUID()));

        List<String> events = streamThroughCell(messages);

        assertThat(events).doesNotContain("[DONE]");
        assertThat(events.getFirst()).contains("chat.completion.chunk");
        assertThat(json.readTree(events.getLast()).path("error").path("code").asString()).isEqualTo("stream_broken");
    }

    @Test
    void aClientLeavingMidStreamFreesItsSlotInTheEngine() {
        double finishedBefore = engineMetric("vllm:request_success_total");
        // Far longer than the test: only a cancellation can end it in time.
        Flux<String> events = longStream(null);

        List<String> firstEvents = events.take(3).collectList().block(Duration.ofSeconds(20));

        assertThat(firstEvents).hasSize(3);
        await().atMost(Duration.ofSeconds(5)).until(() -> engineMetric("vllm:num_requests_running") == 0);
        assertThat(engineMetric("vllm:request_success_total")).isEqualTo(finishedBefore);
    }

    @Test
    void aDeadlinePassingMidGenerationEndsTheStreamAndFreesTheEngineSlot() {
        double finishedBefore = engineMetric("vllm:request_success_total");

        List<String> events = longStream("700").collectList().block(Duration.ofSeconds(20));

        assertThat(events).doesNotContain("[DONE]").hasSizeGreaterThan(1);
        assertThat(json.readTree(events.getLast()).path("error").path("code").asString())
                .isEqualTo("deadline_exceeded");
        await().atMost(Duration.ofSeconds(5)).until(() -> engineMetric("vllm:num_requests_running") == 0);
        assertThat(engineMetric("vllm:request_success_total")).isEqualTo(finishedBefore);
    }

    @Test
    void engineFailureOnOneRequestIsABadGateway() {
        engineAdmin().put().uri("/admin/faults").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"failNext\": 1, \"failStatus\": 500}")
                .exchange().expectStatus().is2xxSuccessful();

        client.post().uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .exchange()
                .expectStatus().isEqualTo(502)
                .expectHeader().doesNotExist(WarmpathHeaders.UNAVAILABLE)
                .expectHeader().valueEquals(WarmpathHeaders.CELL, "cell-sim")
                .expectBody().jsonPath("$.error.code").isEqualTo("engine_error");
    }

    @Test
    void anEngineRefusingARequestWith503IsACellUnavailableTheGatewayMayRetryElsewhere() {
        engineAdmin().put().uri("/admin/faults").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"failNext\": 1, \"failStatus\": 503}")
                .exchange().expectStatus().is2xxSuccessful();

        client.post().uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .exchange()
                .expectStatus().isEqualTo(503)
                .expectHeader().valueEquals(WarmpathHeaders.UNAVAILABLE, WarmpathHeaders.UNAVAILABLE_ENGINE)
                .expectHeader().exists(HttpHeaders.RETRY_AFTER)
                .expectBody().jsonPath("$.error.code").isEqualTo("engine_unavailable");
    }

    @Test
    void cellStatusReflectsTheRealEngine() {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> client.get().uri("/cell/status").headers(CellCalls.prober()).exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(WarmpathHeaders.CELL, "cell-sim")
                .expectBody()
                .jsonPath("$.ready").isEqualTo(true)
                .jsonPath("$.models[0]").isEqualTo(MODEL)
                .jsonPath("$.running").isEqualTo(0)
                .jsonPath("$.in_flight").isEqualTo(0));
        CellCalls.management(managementPort).get().uri("/actuator/health/readiness").exchange().expectStatus().isOk()
                .expectBody(Void.class);
    }

    /** The prompt's cached tokens as the engine reports them, for a request of a caller with its own cache salt. */
    private long cachedTokensOf(String prompt, Consumer<HttpHeaders> caller, String clientSalt) {
        ObjectNode request = json.createObjectNode().put("model", MODEL).put("max_tokens", 4);
        request.set("messages", json.createArrayNode().add(message("user", prompt)));
        if (clientSalt != null) {
            request.put("cache_salt", clientSalt);
        }
        byte[] body = client.post().uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .headers(caller)
                .bodyValue(json.writeValueAsString(request))
                .exchange()
                .expectStatus().isOk()
                .expectBody().returnResult().getResponseBody();
        return json.readTree(body).path("usage").path("prompt_tokens_details").path("cached_tokens").asLong();
    }

    private JsonNode completeThroughCell(ArrayNode messages) {
        ObjectNode request = json.createObjectNode().put("model", MODEL).put("max_tokens", 12);
        request.set("messages", messages);
        byte[] body = client.post().uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(json.writeValueAsString(request))
                .exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(WarmpathHeaders.CELL, "cell-sim")
                .expectBody().returnResult().getResponseBody();
        return json.readTree(body);
    }

    private List<String> streamThroughCell(ArrayNode messages) {
        ObjectNode request = json.createObjectNode().put("model", MODEL).put("max_tokens", 12).put("stream", true);
        request.putObject("stream_options").put("include_usage", true);
        request.set("messages", messages);
        return client.post().uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(json.writeValueAsString(request))
                .exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(WarmpathHeaders.CELL, "cell-sim")
                .returnResult(String.class)
                .getResponseBody()
                .collectList()
                .block(Duration.ofSeconds(30));
    }

    /** The engine's own fault admin API (not part of vLLM), reached directly rather than through the cell. */
    private static WebTestClient engineAdmin() {
        return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + enginePort()).build();
    }

    /** A stream of 50,000 tokens (about 16 s at this time scale), with a deadline when one is given. */
    private Flux<String> longStream(String deadlineMillis) {
        ObjectNode request = json.createObjectNode().put("model", MODEL).put("max_tokens", 50_000).put("stream", true);
        request.set("messages", json.createArrayNode().add(message("user", "A long story " + UUID.randomUUID())));
        return client.post().uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .headers(headers -> {
                    if (deadlineMillis != null) {
                        headers.set(WarmpathHeaders.REQUEST_TIMEOUT_MS, deadlineMillis);
                    }
                })
                .bodyValue(json.writeValueAsString(request))
                .exchange()
                .expectStatus().isOk()
                .returnResult(String.class)
                .getResponseBody();
    }

    /** A sample of the engine's own Prometheus metrics (summed over its label sets). */
    private static double engineMetric(String name) {
        String text = engineAdmin().get().uri("/metrics").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        return text.lines().filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    private static int enginePort() {
        return ((WebServerApplicationContext) engineSim).getWebServer().getPort();
    }

    /** The next reserve or settle, past the turns other tests' sessions without limits record in the background. */
    private StubSessionService.Call nextBudgetCall() throws InterruptedException {
        StubSessionService.Call call = sessions.nextCall();
        while (call.path().equals("/internal/turns")) {
            call = sessions.nextCall();
        }
        return call;
    }

    private ObjectNode message(String role, String content) {
        return json.createObjectNode().put("role", role).put("content", content);
    }

    private double cachedTokens() {
        return meters.find("warmpath.inference.tokens").tag("class", "cached").counters().stream()
                .mapToDouble(Counter::count).sum();
    }
}
