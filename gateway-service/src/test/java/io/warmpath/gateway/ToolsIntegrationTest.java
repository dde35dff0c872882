package io.warmpath.gateway;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import io.warmpath.contracts.WarmpathHeaders;
import io.warmpath.contracts.testing.StubPolicyService;
import io.warmpath.contracts.testing.StubSessionService;
import io.warmpath.gateway.cells.CellProber;
import io.warmpath.gateway.tools.HostResolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tool calls through the whole gateway: a real tool server on an allowlisted loopback port ({@code allow-private}),
 * a recording server that must never be reached, a stub policy-service, and a stub cell for chat requests.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "30s") // the default 5 s is too short on a busy CI machine
class ToolsIntegrationTest {

    private static final TestTokens TOKENS = new TestTokens();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String SECRET = "sk-test-9f8e7d6c5b4a";
    private static final int BIG_RESPONSE_BYTES = 4096;

    private static final ToolServer TOOL = ToolServer.start()
            .on("/weather", (exchange, body) -> ToolServer.respond(exchange, 200, "application/json",
                    "{\"forecast\":\"sunny\",\"high_c\":24}"))
            .on("/lookup", (exchange, body) -> ToolServer.respond(exchange, 200, "text/plain; charset=utf-8",
                    "query " + exchange.getRequestURI().getRawQuery()))
            .on("/slow", (exchange, body) -> {
                sleep(Duration.ofSeconds(3));
                ToolServer.respond(exchange, 200, "application/json", "{}");
            })
            .on("/big", (exchange, body) -> ToolServer.respond(exchange, 200, "application/json",
                    "{\"pad\":\"" + "x".repeat(BIG_RESPONSE_BYTES) + "\"}"))
            .on("/big-chunked", (exchange, body) -> {
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, 0); // chunked: no Content-Length to refuse early
                try (OutputStream out = exchange.getResponseBody()) {
                    for (int i = 0; i < 8; i++) {
                        out.write("x".repeat(BIG_RESPONSE_BYTES / 8).getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                }
            });
    /** Stands where no tool call may ever arrive. */
    private static final ToolServer FORBIDDEN = ToolServer.start();
    private static final ToolServer REDIRECTING = ToolServer.start()
            .on("/moved", (exchange, body) -> {
                exchange.getResponseHeaders().set("Location", "http://127.0.0.1:" + FORBIDDEN.port() + "/stolen");
                exchange.sendResponseHeaders(302, -1);
                exchange.close();
            });
    /** policy-service: allows everything but calls of the tool {@code audit}. */
    private static final StubPolicyService POLICY = StubPolicyService.start();

    static {
        POLICY.allowWhen(request -> !"audit".equals(request.path("resource").path("id").asString()));
    }
    private static final StubCell CELL = StubCell.start("tools-cell", "kimi-k2.5", true);
    /** session-service: tenants' implicit sessions are internal data unless a test says otherwise. */
    private static final StubSessionService SESSIONS = StubSessionService.start();

    @DynamicPropertySource
    static void gatewayProperties(DynamicPropertyRegistry registry) {
        registry.add("spring.security.oauth2.resourceserver.jwt.public-key-location", TOKENS::publicKeyLocation);
        // The gateway's own PolicyClient, pointed at the stub; no cached allows, so each test sees fresh decisions.
        registry.add("warmpath.gateway.policy.url", POLICY::url);
        registry.add("warmpath.gateway.policy.deadline", () -> "2s");
        registry.add("warmpath.gateway.policy.allow-ttl", () -> "0s");
        registry.add("warmpath.gateway.sessions.url", SESSIONS::url);
        registry.add("warmpath.gateway.health.probe-interval", () -> "1h");
        registry.add("spring.cloud.discovery.client.simple.instances.inference-cells[0].uri", CELL::uri);
        registry.add("spring.cloud.discovery.client.simple.instances.inference-cells[0].metadata.cell-id",
                () -> CELL.id);
        registry.add("spring.cloud.discovery.client.simple.instances.inference-cells[0].metadata.model",
                () -> CELL.model);

        String tool = "http://127.0.0.1:" + TOOL.port();
        String forbidden = "http://127.0.0.1:" + FORBIDDEN.port();
        allow(registry, 0, tool, true);
        allow(registry, 1, "http://pinned.test:" + TOOL.port(), true);
        allow(registry, 2, "http://127.0.0.1:" + REDIRECTING.port(), true);
        allow(registry, 3, forbidden, false); // allowlisted, but loopback without allow-private
        allow(registry, 4, "http://rebound.test:" + FORBIDDEN.port(), false);
        allow(registry, 5, "http://169.254.169.254", true);

        String weatherSchema = """
                {"type":"object","required":["city"],"additionalProperties":false,
                 "properties":{"city":{"type":"string","maxLength":40},"days":{"type":"integer","minimum":1}}}""";
        tool(registry, "weather", tool + "/weather", weatherSchema);
        registry.add("warmpath.gateway.tools.registry.weather.max-data-class", () -> "confidential");
        registry.add("warmpath.gateway.tools.registry.weather.forward-caller", () -> "true");
        tool(registry, "audit", tool + "/weather", weatherSchema); // policy-service denies this one
        tool(registry, "lookup", tool + "/lookup?source=test", "{\"type\":\"object\"}");
        registry.add("warmpath.gateway.tools.registry.lookup.method", () -> "GET");
        tool(registry, "slow", tool + "/slow", "{}");
        registry.add("warmpath.gateway.tools.registry.slow.timeout", () -> "300ms");
        tool(registry, "big", tool + "/big", "{}");
        registry.add("warmpath.gateway.tools.registry.big.max-response-bytes", () -> "1KB");
        tool(registry, "big-chunked", tool + "/big-chunked", "{}");
        registry.add("warmpath.gateway.tools.registry.big-chunked.max-response-bytes", () -> "1KB");
        tool(registry, "pinned", "http://pinned.test:" + TOOL.port() + "/weather", "{}");
        tool(registry, "moved", "http://127.0.0.1:" + REDIRECTING.port() + "/moved", "{}");
        tool(registry, "off-list", "http://localhost:" + FORBIDDEN.port() + "/hook", "{}");
        tool(registry, "loopback", forbidden + "/hook", "{}");
        tool(registry, "rebound", "http://rebound.test:" + FORBIDDEN.port() + "/hook", "{}");
        tool(registry, "metadata", "http://169.254.169.254/latest/meta-data/iam/", "{}");
    }

    private static void allow(DynamicPropertyRegistry registry, int index, String origin, boolean allowPrivate) {
        registry.add("warmpath.gateway.egress.allow[" + index + "].origin", () -> origin);
        registry.add("warmpath.gateway.egress.allow[" + index + "].allow-private", () -> allowPrivate);
    }

    private static void tool(DynamicPropertyRegistry registry, String name, String url, String schema) {
        registry.add("warmpath.gateway.tools.registry." + name + ".url", () -> url);
        registry.add("warmpath.gateway.tools.registry." + name + ".input-schema", () -> schema);
    }

    /** A DNS of the test's own: {@code .test} names never resolve on a real one. */
    @TestConfiguration
    static class TestResolver {

        @Bean
        HostResolver testHostResolver() {
            return host -> switch (host) {
                case "pinned.test", "rebound.test" -> new InetAddress[] {InetAddress.getByName("127.0.0.1")};
                default -> throw new UnknownHostException(host);
            };
        }
    }

    @Autowired
    WebTestClient client;

    @Autowired
    CellProber prober;

    @AfterAll
    static void stopServers() {
        List.of(TOOL, FORBIDDEN, REDIRECTING).forEach(ToolServer::stop);
        POLICY.stop();
        CELL.stop();
        SESSIONS.stop();
    }

    @Test
    void validInputGoesToTheToolAndItsJsonOutputComesBack() {
        int before = TOOL.hits();

        invoke("weather", scopes("tools:weather"), "{\"input\":{\"city\":\"Lyon\",\"days\":2}}")
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.tool").isEqualTo("weather")
                .jsonPath("$.status").isEqualTo(200)
                .jsonPath("$.output.forecast").isEqualTo("sunny")
                .jsonPath("$.output.high_c").isEqualTo(24);

        assertThat(TOOL.hits()).isEqualTo(before + 1);
        assertThat(JSON.readTree(TOOL.lastBody())).isEqualTo(JSON.readTree("{\"city\":\"Lyon\",\"days\":2}"));
        assertThat(TOOL.lastUri()).isEqualTo("/weather");
        assertThat(TOOL.lastHeader("host")).isEqualTo("127.0.0.1:" + TOOL.port());
        assertThat(TOOL.lastHeader("content-type")).isEqualTo("application/json");
        assertThat(TOOL.lastHeader(WarmpathHeaders.TENANT)).as("weather asks for the caller").isEqualTo("acme");
        assertThat(TOOL.lastHeader("authorization")).as("the caller's token stays at the gateway").isNull();
    }

    @Test
    void toolsLearnWhoCallsOnlyWhenConfiguredTo() {
        invoke("lookup", scopes("tools:lookup"), "{\"input\":{\"q\":\"x\"}}")
                .expectStatus().isOk()
                .expectBody(Void.class);

        assertThat(TOOL.lastUri()).startsWith("/lookup?");
        assertThat(TOOL.lastHeader(WarmpathHeaders.TENANT)).isNull();
        assertThat(TOOL.lastHeader(WarmpathHeaders.SUBJECT)).isNull();
    }

    @Test
    void aCallCarriesItsSessionsDataClassWhateverTheBodyDeclares() {
        String affinity = SESSIONS.createTokenSession("acme", null);
        SESSIONS.classify(SESSIONS.sessionIdOfToken(affinity), "regulated", null);

        client.post().uri("/v1/tools/weather/invoke")
                .headers(bearer(scopes("tools:weather")))
                .header(WarmpathHeaders.SESSION_AFFINITY, affinity)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"input\":{\"city\":\"Oslo\"},\"data_class\":\"public\"}")
                .exchange()
                .expectStatus().isForbidden()
                .expectBody().jsonPath("$.error.code").isEqualTo("data_class_not_allowed");
    }

    @Test
    void aCallToAToolItsSessionTrimmedIsARecoverableConflictAndNothingIsSent() {
        String affinity = SESSIONS.createTokenSession("acme", null);
        SESSIONS.decideToolSet(SESSIONS.sessionIdOfToken(affinity), List.of("weather"));
        int before = TOOL.hits();

        client.post().uri("/v1/tools/weather/invoke")
                .headers(bearer(scopes("tools:weather")))
                .header(WarmpathHeaders.SESSION_AFFINITY, affinity)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"input\":{\"city\":\"Oslo\"}}")
                .exchange()
                .expectStatus().isEqualTo(409)
                .expectBody()
                .jsonPath("$.error.code").isEqualTo("tool_trimmed")
                .jsonPath("$.error.type").isEqualTo("invalid_request_error")
                .jsonPath("$.error.message").value(message -> assertThat((String) message)
                        .contains("next checkpoint").contains("x-tool-trimming: off"));
        assertThat(TOOL.hits()).isEqualTo(before);

        // The agent took the advice: it offered the tool on this turn, and its call goes through.
        client.post().uri("/v1/tools/weather/invoke")
                .headers(bearer(scopes("tools:weather")))
                .header(WarmpathHeaders.SESSION_AFFINITY, affinity)
                .header(WarmpathHeaders.TOOL_TRIMMING, WarmpathHeaders.TOOL_TRIMMING_OFF)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"input\":{\"city\":\"Oslo\"}}")
                .exchange()
                .expectStatus().isOk();
        assertThat(TOOL.hits()).isEqualTo(before + 1);
    }

    @Test
    void aCallWithoutASessionCarriesItsTenantsDefaultClassAtLeast() {
        SESSIONS.tenantDataClass("confidential-corp", "confidential");
        String token = TOKENS.token(claims -> claims.subject("agent-9").claim("tenant", "confidential-corp")
                .claim("scope", "tools:weather"));

        invoke("weather", token, "{\"input\":{\"city\":\"Oslo\"},\"data_class\":\"public\"}")
                .expectStatus().isOk()
                .expectBody(Void.class);

        assertThat(POLICY.requests().getLast().path("resource").path("data_class").asString())
                .isEqualTo("confidential");
    }

    @Test
    void aCallInAnUnknownSessionIsNotFoundAndNothingIsSent() {
        int before = TOOL.hits();

        client.post().uri("/v1/tools/weather/invoke")
                .headers(bearer(scopes("tools:weather")))
                .header(WarmpathHeaders.SESSION_AFFINITY, "wpt_unknown")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"input\":{\"city\":\"Oslo\"}}")
                .exchange()
                .expectStatus().isNotFound()
                .expectBody().jsonPath("$.error.code").isEqualTo("session_not_found");
        assertThat(TOOL.hits()).isEqualTo(before);
    }

    @Test
    void policyServiceIsAskedAboutTheToolAndTheCallsDataClass() {
        invoke("weather", scopes("tools:weather"), "{\"input\":{\"city\":\"Oslo\"},\"data_class\":\"confidential\"}")
                .expectStatus().isOk()
                .expectBody(Void.class);

        JsonNode asked = POLICY.requests().getLast();
        assertThat(asked.path("action").asString()).isEqualTo("invoke_tool");
        assertThat(asked.path("resource").path("type").asString()).isEqualTo("Tool");
        assertThat(asked.path("resource").path("id").asString()).isEqualTo("weather");
        assertThat(asked.path("resource").path("data_class").asString()).isEqualTo("confidential");
        assertThat(asked.path("principal").path("tenant").asString()).isEqualTo("acme");
        assertThat(asked.path("context").path("tool_max_data_class").asString()).isEqualTo("confidential");
    }

    @Test
    void tokenWithoutTheToolsScopeIsForbiddenAndNothingIsSent() {
        int before = TOOL.hits();

        invoke("weather", scopes("tools:lookup inference:invoke"), "{\"input\":{\"city\":\"Lyon\"}}")
                .expectStatus().isForbidden()
                .expectBody()
                .jsonPath("$.error.type").isEqualTo("permission_error")
                .jsonPath("$.error.code").isEqualTo("insufficient_scope");

        assertThat(TOOL.hits()).isEqualTo(before);
    }

    @Test
    void unknownToolIsNotFound() {
        invoke("teleport", scopes("tools:teleport"), "{\"input\":{}}")
                .expectStatus().isNotFound()
                .expectBody().jsonPath("$.error.code").isEqualTo("tool_not_found");
    }

    @Test
    void inputThatBreaksTheSchemaIsABadRequestThatDoesNotEchoTheInput() {
        int before = TOOL.hits();

        byte[] answer = invoke("weather", scopes("tools:weather"),
                "{\"input\":{\"days\":\"" + SECRET + "\",\"" + SECRET + "\":1}}")
                .expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.error.type").isEqualTo("invalid_request_error")
                .jsonPath("$.error.code").isEqualTo("invalid_tool_input")
                .returnResult().getResponseBody();

        String message = JSON.readTree(answer).path("error").path("message").asString();
        assertThat(message).contains("city").contains("days");
        assertThat(new String(answer, StandardCharsets.UTF_8)).doesNotContain(SECRET);
        assertThat(TOOL.hits()).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"input\":", "[]", "{\"city\":\"Lyon\"}", "{\"input\":\"Lyon\"}",
            "{\"input\":{},\"extra\":1}", "{\"input\":{},\"data_class\":\"secret\"}"})
    void malformedCallBodiesAreBadRequests(String body) {
        invoke("weather", scopes("tools:weather"), body)
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.type").isEqualTo("invalid_request_error");
    }

    @Test
    void dataMoreSensitiveThanTheToolMayReceiveIsRefused() {
        int before = TOOL.hits();

        invoke("weather", scopes("tools:weather"), "{\"input\":{\"city\":\"Lyon\"},\"data_class\":\"regulated\"}")
                .expectStatus().isForbidden()
                .expectBody().jsonPath("$.error.code").isEqualTo("data_class_not_allowed");

        assertThat(TOOL.hits()).isEqualTo(before);
    }

    @Test
    void policyDenyIsForbiddenAndNothingIsSent() {
        int before = TOOL.hits();

        invoke("audit", scopes("tools:audit"), "{\"input\":{\"city\":\"Lyon\"}}")
                .expectStatus().isForbidden()
                .expectBody().jsonPath("$.error.code").isEqualTo("tool_not_allowed");

        assertThat(TOOL.hits()).isEqualTo(before);
    }

    @Test
    void policyServiceFailingMeansNo() {
        int before = TOOL.hits();
        POLICY.failWith(503);
        try {
            invoke("weather", scopes("tools:weather"), "{\"input\":{\"city\":\"Lyon\"}}")
                    .expectStatus().isForbidden()
                    .expectBody().jsonPath("$.error.code").isEqualTo("tool_not_allowed");
        } finally {
            POLICY.failWith(0);
        }
        assertThat(TOOL.hits()).isEqualTo(before);
    }

    @Test
    void getToolsReceiveTheInputAsQueryParameters() {
        invoke("lookup", scopes("tools:lookup"), "{\"input\":{\"q\":\"a b&c\",\"limit\":3}}")
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.status").isEqualTo(200)
                .jsonPath("$.output").isEqualTo("query source=test&q=a+b%26c&limit=3");
    }

    @Test
    void slowToolIsAGatewayTimeout() {
        long start = System.nanoTime();

        invoke("slow", scopes("tools:slow"), "{\"input\":{}}")
                .expectStatus().isEqualTo(HttpStatus.GATEWAY_TIMEOUT)
                .expectBody()
                .jsonPath("$.error.type").isEqualTo("server_error")
                .jsonPath("$.error.code").isEqualTo("tool_timeout");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }

    @ParameterizedTest
    @ValueSource(strings = {"big", "big-chunked"})
    void responseOverTheLimitIsABadGateway(String tool) {
        invoke(tool, scopes("tools:" + tool), "{\"input\":{}}")
                .expectStatus().isEqualTo(HttpStatus.BAD_GATEWAY)
                .expectBody()
                .jsonPath("$.error.code").isEqualTo("tool_response_too_large")
                .jsonPath("$.output").doesNotExist();
    }

    @Test
    void callsConnectToTheCheckedAddressAndSendTheOriginalHost() {
        int before = TOOL.hits();

        // pinned.test exists only in the test's resolver: the call can only have reached the address it checked.
        invoke("pinned", scopes("tools:pinned"), "{\"input\":{}}")
                .expectStatus().isOk()
                .expectBody().jsonPath("$.output.forecast").isEqualTo("sunny");

        assertThat(TOOL.hits()).isEqualTo(before + 1);
        assertThat(TOOL.lastHeader("host")).isEqualTo("pinned.test:" + TOOL.port());
    }

    @ParameterizedTest
    @ValueSource(strings = {"off-list", "loopback", "rebound", "metadata"})
    void egressGuardRefusesAndNothingIsSent(String tool) {
        invoke(tool, scopes("tools:" + tool), "{\"input\":{}}")
                .expectStatus().isForbidden()
                .expectBody()
                .jsonPath("$.error.type").isEqualTo("permission_error")
                .jsonPath("$.error.code").isEqualTo("egress_refused");

        assertThat(FORBIDDEN.hits()).isZero();
    }

    @Test
    void redirectsAreNotFollowed() {
        invoke("moved", scopes("tools:moved"), "{\"input\":{}}")
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.status").isEqualTo(302)
                .jsonPath("$.output").doesNotExist();

        assertThat(FORBIDDEN.hits()).isZero();
    }

    @Test
    void chatRequestsLoseTheToolsTheTokenIsNotScopedFor() {
        prober.refresh().block();
        String body = """
                {"model":"kimi-k2.5","messages":[{"role":"user","content":"weather?"}],
                 "tools":[%s,%s,%s],"tool_choice":{"type":"function","function":{"name":"shell"}}}"""
                .formatted(functionTool("weather"), functionTool("shell"), functionTool("lookup"));

        client.post().uri("/v1/chat/completions")
                .headers(bearer(scopes("inference:invoke tools:weather tools:lookup")))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus().isOk()
                .expectBody(Void.class);

        JsonNode forwarded = JSON.readTree(CELL.lastBody());
        assertThat(forwarded.path("tools").values().stream()
                .map(tool -> tool.path("function").path("name").asString()))
                .containsExactly("weather", "lookup");
        assertThat(forwarded.has("tool_choice")).as("it forced a removed tool").isFalse();
        assertThat(CELL.lastHeader("content-length")).isEqualTo(Integer.toString(CELL.lastBody()
                .getBytes(StandardCharsets.UTF_8).length));
    }

    @Test
    void chatRequestsWithoutToolsReachTheCellByteForByte() {
        prober.refresh().block();
        String body = "{\"model\":\"kimi-k2.5\",  \"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

        client.post().uri("/v1/chat/completions")
                .headers(bearer(scopes("inference:invoke")))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus().isOk()
                .expectBody(Void.class);

        assertThat(CELL.lastBody()).isEqualTo(body);
    }

    private WebTestClient.ResponseSpec invoke(String tool, String token, String body) {
        return client.post().uri("/v1/tools/{name}/invoke", tool)
                .headers(bearer(token))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange();
    }

    private static String scopes(String scope) {
        return TOKENS.token(claims -> claims.claim("scope", scope));
    }

    private static Consumer<HttpHeaders> bearer(String token) {
        return headers -> headers.setBearerAuth(token);
    }

    private static String functionTool(String name) {
        return """
                {"type":"function","function":{"name":"%s","parameters":{"type":"object"}}}""".formatted(name);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
