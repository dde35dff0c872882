package io.warmpath.gateway;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import com.nimbusds.jwt.JWTClaimsSet;
import io.micrometer.core.instrument.MeterRegistry;
import io.warmpath.contracts.WarmpathHeaders;
import io.warmpath.contracts.assertion.Audiences;
import io.warmpath.gateway.cells.CellProber;
import io.warmpath.gateway.cells.CellRegistry;
import io.warmpath.gateway.cells.CellSnapshot;
import io.warmpath.gateway.sessions.StubPorts;
import io.warmpath.routing.RoutingKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.FluxExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole gateway against stub cells, with session-service down (nothing listens at its URL): implicit sessions
 * route statelessly by bounded-load on their tenant-scoped key, tokens fail closed. {@code StickySessionIntegrationTest}
 * covers routing with session-service up.
 */
@Import(MovableTime.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "30s") // the default 5 s is too short on a busy CI machine
class GatewayIntegrationTest {

    private static final String MODEL = "kimi-k2.5";
    private static final List<StubCell> KIMI_CELLS = List.of(
            StubCell.start("stub-a", MODEL, true),
            StubCell.start("stub-b", MODEL, true),
            StubCell.start("stub-c", MODEL, true));
    /** Serves a model of its own and reports not ready, so that model has cells but none healthy. */
    private static final StubCell NOT_READY = StubCell.start("stub-small", "small-model", false);
    private static final TestTokens TOKENS = new TestTokens();
    private static final int MAX_REQUEST_BYTES = 64 * 1024;
    private static final Duration COOLDOWN = Duration.ofMillis(300);

    @DynamicPropertySource
    static void gatewayProperties(DynamicPropertyRegistry registry) {
        List<StubCell> all = List.of(KIMI_CELLS.get(0), KIMI_CELLS.get(1), KIMI_CELLS.get(2), NOT_READY);
        for (int i = 0; i < all.size(); i++) {
            StubCell cell = all.get(i);
            String prefix = "spring.cloud.discovery.client.simple.instances.inference-cells[" + i + "].";
            registry.add(prefix + "uri", cell::uri);
            registry.add(prefix + "metadata.cell-id", () -> cell.id);
            registry.add(prefix + "metadata.model", () -> cell.model);
            registry.add(prefix + "metadata.region", () -> "local");
        }
        registry.add("spring.security.oauth2.resourceserver.jwt.public-key-location", TOKENS::publicKeyLocation);
        registry.add("warmpath.gateway.max-request-bytes", () -> MAX_REQUEST_BYTES + "B");
        // Probes run when a test asks (prober.refresh()), so that no probe races a test's own failure injection.
        registry.add("warmpath.gateway.health.probe-interval", () -> "1h");
        registry.add("warmpath.gateway.health.ejection-cooldown", () -> COOLDOWN.toMillis() + "ms");
        registry.add("warmpath.gateway.sessions.url", () -> "http://127.0.0.1:" + StubPorts.closedPort());
        // Tenants are never learned here (session-service is down throughout): serve them as internal data.
        registry.add("warmpath.gateway.sessions.unknown-tenant-data-class", () -> "internal");
        // Routing alone: regional policy has its own test (RegionalRoutingIntegrationTest).
        registry.add("warmpath.gateway.policy.enabled", () -> "false");
    }

    @Autowired
    WebTestClient client;

    @LocalManagementPort
    int managementPort;

    @Autowired
    CellProber prober;

    @Autowired
    CellRegistry registry;

    @Autowired
    MeterRegistry meters;

    @AfterAll
    static void stopStubs() {
        KIMI_CELLS.forEach(StubCell::stop);
        NOT_READY.stop();
    }

    @BeforeEach
    void allKimiCellsHealthy() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (healthyKimiCells() < KIMI_CELLS.size()) {
            assertThat(System.nanoTime()).as("kimi cells healthy in time").isLessThan(deadline);
            prober.refresh().block();
            Thread.sleep(50);
        }
    }

    @Test
    void everyResponseCarriesARequestIdThatTheCellSawTooAndAClientsOwnIsKeptWhenWellFormed() {
        EntityExchangeResult<byte[]> generated = chat("acme", "request-id-1");
        String id = generated.getResponseHeaders().getFirst("x-request-id");
        assertThat(id).matches("req_[0-9a-f]{24}");
        StubCell cell = KIMI_CELLS.stream().filter(stub -> stub.id.equals(servedBy(generated))).findFirst().orElseThrow();
        assertThat(cell.lastHeader("x-request-id")).isEqualTo(id);

        client.post().uri("/v1/chat/completions").headers(bearer(TOKENS.forTenant("acme")))
                .header("x-request-id", "client-trace:42").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .exchange().expectStatus().isOk().expectHeader().valueEquals("x-request-id", "client-trace:42");
        client.get().uri("/v1/models").header("x-request-id", "bad id with spaces").exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().value("x-request-id", value -> assertThat(value).matches("req_[0-9a-f]{24}"));
    }

    @Test
    void embeddingsAreRoutedToACellOfTheirModelAndCheckedLikeCompletions() {
        EntityExchangeResult<byte[]> answered = client.post().uri("/v1/embeddings")
                .headers(bearer(TOKENS.forTenant("acme"))).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"" + MODEL + "\",\"input\":[\"a\",\"b\"]}")
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.data[0].object").isEqualTo("embedding")
                .returnResult();
        StubCell cell = KIMI_CELLS.stream().filter(stub -> stub.id.equals(servedBy(answered))).findFirst().orElseThrow();
        assertThat(cell.lastBody()).contains("\"input\":[\"a\",\"b\"]");

        client.post().uri("/v1/embeddings").headers(bearer(TOKENS.forTenant("acme")))
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"model\":\"" + MODEL + "\"}").exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.error.code")
                .isEqualTo("missing_required_parameter");
        client.post().uri("/v1/embeddings").headers(bearer(TOKENS.forTenant("acme")))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"" + MODEL + "\",\"input\":\"a\",\"messages\":[]}").exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.error.param").isEqualTo("messages");
    }

    @Test
    void theOpenApiDocumentIsServedWithoutCredentials() {
        client.get().uri("/openapi.yaml").exchange().expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith("application/yaml")
                .expectBody(String.class).value(document -> assertThat(document).startsWith("openapi: 3.1.0")
                        .contains("/v1/chat/completions:"));
    }

    @Test
    void sameSessionReachesTheSameCellEveryTime() {
        Set<String> cells = new HashSet<>();
        for (int turn = 0; turn < 10; turn++) {
            cells.add(servedBy(chat("acme", "session-42")));
        }
        assertThat(cells).hasSize(1);
    }

    @Test
    void differentSessionsSpreadOverTheCells() {
        Set<String> cells = new HashSet<>();
        for (int session = 0; session < 60; session++) {
            cells.add(servedBy(chat("acme", "spread-" + session)));
        }
        assertThat(cells).containsExactlyInAnyOrder("stub-a", "stub-b", "stub-c");
    }

    @Test
    void sameAffinityFromTwoTenantsIsTwoSessions() {
        assertThat(RoutingKeys.session("acme", "shared")).isNotEqualTo(RoutingKeys.session("globex", "shared"));
        int differentCells = 0;
        for (int i = 0; i < 30; i++) {
            String affinity = "shared-" + i;
            if (!servedBy(chat("acme", affinity)).equals(servedBy(chat("globex", affinity)))) {
                differentCells++;
            }
        }
        // Independent placement on 3 cells differs about 2 times in 3; identical keys would never differ.
        assertThat(differentCells).isGreaterThan(5);
    }

    @Test
    void forwardsBodyAndClientHeadersButNotTheToken() {
        String body = chatBody(false).replace("Say hello", "Say hello to the header test");
        String servedBy = client.post().uri("/v1/chat/completions")
                .headers(bearer(TOKENS.forTenant("acme")))
                .header("x-session-affinity", "headers-1")
                .header("x-request-timeout-ms", "30000")
                .header("x-workload-class", "light")
                .header("Idempotency-Key", "idem-1")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.served_by").exists()
                .returnResult().getResponseHeaders().getFirst(WarmpathHeaders.CELL);

        StubCell served = stub(servedBy);
        assertThat(served.lastBody()).isEqualTo(body);
        // The caller's token stays at the gateway: the cell gets the gateway's assertion instead.
        assertThat(served.lastHeader("authorization")).doesNotContain(TOKENS.forTenant("acme"));
        assertThat(served.lastAssertion().path("aud").toString()).contains(Audiences.INFERENCE);
        assertThat(served.lastHeader("x-session-affinity")).isEqualTo("headers-1");
        // What is left of the deadline when the cell is called.
        assertThat(Long.parseLong(served.lastHeader("x-request-timeout-ms"))).isBetween(25_000L, 30_000L);
        assertThat(served.lastHeader("x-workload-class")).isEqualTo("light");
        assertThat(served.lastHeader("idempotency-key")).isEqualTo("idem-1");
    }

    @Test
    void withSessionServiceDownImplicitSessionsAreAnsweredStatelesslyAndCounted() {
        double degradedBefore = degraded("stateless");

        String servedBy = servedBy(chat("acme", "down-implicit-1"));

        StubCell served = stub(servedBy);
        assertThat(served.lastAssertion().path("tenant").asString()).isEqualTo("acme");
        assertThat(served.lastAssertion().has("session")).as("no session was resolved").isFalse();
        assertThat(served.lastHeader(WarmpathHeaders.SESSIONS_ASSERTION)).isNull();
        assertThat(served.lastHeader(WarmpathHeaders.PREDICTED_CACHED_TOKENS)).isNull();
        assertThat(degraded("stateless")).isEqualTo(degradedBefore + 1);
        assertThat(servedBy(chat("acme", "down-implicit-1"))).as("still placed by its key").isEqualTo(servedBy);
    }

    @Test
    void withSessionServiceDownTokensFailClosed() {
        int completionsBefore = KIMI_CELLS.stream().mapToInt(StubCell::completions).sum();
        double failedClosedBefore = degraded("fail_closed");

        client.post().uri("/v1/chat/completions")
                .headers(bearer(TOKENS.forTenant("acme")))
                .header("x-session-affinity", "wpt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(chatBody(false))
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
                .expectHeader().exists(HttpHeaders.RETRY_AFTER)
                .expectBody()
                .jsonPath("$.error.type").isEqualTo("server_error")
                .jsonPath("$.error.code").isEqualTo("session_service_unavailable");

        assertThat(KIMI_CELLS.stream().mapToInt(StubCell::completions).sum()).isEqualTo(completionsBefore);
        assertThat(degraded("fail_closed")).isEqualTo(failedClosedBefore + 1);
    }

    @Test
    void withSessionServiceDownTheSessionApiIsUnavailable() {
        client.post().uri("/v1/sessions")
                .headers(bearer(TOKENS.forTenant("acme")))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"workflow\":\"code-review\"}")
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
                .expectBody().jsonPath("$.error.code").isEqualTo("session_service_unavailable");
    }

    @Test
    void clientSuppliedWarmpathHeadersAreRemovedAndTheAssertionSaysWhoCalls() {
        String servedBy = client.post().uri("/v1/chat/completions")
                .headers(bearer(TOKENS.forTenant("acme")))
                .header(WarmpathHeaders.TENANT, "globex")
                .header(WarmpathHeaders.SESSION.toUpperCase(java.util.Locale.ROOT), "ses_someone_elses")
                .header(WarmpathHeaders.PREDICTED_CACHED_TOKENS, "999999")
                .header(WarmpathHeaders.SESSIONS_ASSERTION, "forged")
                .header(WarmpathHeaders.PREFIX + "anything", "forged")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(chatBody(false))
                .exchange()
                .expectStatus().isOk()
                .expectBody().returnResult().getResponseHeaders().getFirst(WarmpathHeaders.CELL);

        StubCell served = stub(servedBy);
        assertThat(served.lastAssertion().path("tenant").asString()).isEqualTo("acme");
        assertThat(served.lastAssertion().path("sub").asString()).isEqualTo("agent-1");
        assertThat(served.lastAssertion().has("session")).isFalse();
        assertThat(served.lastHeader(WarmpathHeaders.TENANT)).isNull();
        assertThat(served.lastHeader(WarmpathHeaders.SESSION)).isNull();
        assertThat(served.lastHeader(WarmpathHeaders.SESSIONS_ASSERTION)).isNull();
        assertThat(served.lastHeader(WarmpathHeaders.PREDICTED_CACHED_TOKENS)).isNull();
        assertThat(served.lastHeader(WarmpathHeaders.PREFIX + "anything")).isNull();
    }

    @Test
    void streamedResponsePassesThroughWithAllChunksAndStaysInFlightUntilItEnds() {
        FluxExchangeResult<String> result = client.post().uri("/v1/chat/completions")
                .headers(bearer(TOKENS.forTenant("acme")))
                .header("x-session-affinity", "stream-1")
                .contentType(MediaType.APPLICATION_JSON)
                .accept(MediaType.TEXT_EVENT_STREAM)
                .bodyValue(chatBody(true))
                .exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
                .expectHeader().exists(WarmpathHeaders.CELL)
                .returnResult(String.class);
        String servedBy = result.getResponseHeaders().getFirst(WarmpathHeaders.CELL);

        List<String> events = new ArrayList<>();
        Iterator<String> stream = result.getResponseBody().toIterable().iterator();
        events.add(stream.next());
        assertThat(cell(servedBy).inFlight()).as("in flight while the stream is open").isEqualTo(1);
        stream.forEachRemaining(events::add);

        assertThat(events).hasSize(StubCell.SSE_CHUNKS.size() + 1);
        for (int i = 0; i < StubCell.SSE_CHUNKS.size(); i++) {
            assertThat(events.get(i)).contains("\"content\":\"" + StubCell.SSE_CHUNKS.get(i) + "\"");
        }
        assertThat(events.getLast()).isEqualTo("[DONE]");
        awaitUntil(() -> cell(servedBy).inFlight() == 0, "in-flight released when the stream ends");
    }

    @Test
    void modelsListIsTheGatewaysOwnAnswerNotOneCells() {
        client.get().uri("/v1/models")
                .headers(bearer(TOKENS.forTenant("acme")))
                .exchange()
                .expectStatus().isOk()
                .expectHeader().doesNotExist(WarmpathHeaders.CELL)
                .expectBody().jsonPath("$.object").isEqualTo("list")
                .jsonPath("$.data[*].id").value(ids -> assertThat(String.valueOf(ids)).contains(MODEL));
    }

    @Test
    void theCellsUsageReportNeverReachesTheClientEvenWithoutRateLimits() {
        client.post().uri("/v1/chat/completions")
                .headers(bearer(TOKENS.forTenant("acme")))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(chatBody(false))
                .exchange()
                .expectStatus().isOk()
                .expectHeader().doesNotExist(WarmpathHeaders.USAGE);
    }

    @Test
    void requestWithoutTokenIsUnauthorized() {
        client.post().uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(chatBody(false))
                .exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .expectBody()
                .jsonPath("$.error.type").isEqualTo("authentication_error")
                .jsonPath("$.error.code").isEqualTo("invalid_token");
    }

    @Test
    void tokenWithoutInvokeScopeIsForbidden() {
        String token = TOKENS.token(claims -> claims.claim("scope", "sessions:write"));

        client.post().uri("/v1/chat/completions")
                .headers(bearer(token))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(chatBody(false))
                .exchange()
                .expectStatus().isForbidden()
                .expectHeader().value(HttpHeaders.WWW_AUTHENTICATE, value -> assertThat(value)
                        .contains("error=\"insufficient_scope\""))
                .expectBody()
                .jsonPath("$.error.code").isEqualTo("insufficient_scope");
    }

    @Test
    void expiredTokenIsUnauthorized() {
        assertRejectedToken(claims -> claims
                .issueTime(Date.from(Instant.now().minus(Duration.ofHours(2))))
                .expirationTime(Date.from(Instant.now().minus(Duration.ofHours(1)))));
    }

    @Test
    void tokenFromAnotherIssuerIsUnauthorized() {
        assertRejectedToken(claims -> claims.issuer("someone-else"));
    }

    @Test
    void tokenForAnotherAudienceIsUnauthorized() {
        assertRejectedToken(claims -> claims.audience("another-api"));
    }

    @Test
    void tokenWithoutTenantIsUnauthorized() {
        assertRejectedToken(claims -> claims.claim("tenant", null));
    }

    @Test
    void tokenSignedByAnotherKeyIsUnauthorized() {
        String foreign = new TestTokens().forTenant("acme");
        client.post().uri("/v1/chat/completions")
                .headers(bearer(foreign))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(chatBody(false))
                .exchange()
                .expectStatus().isUnauthorized()
                .expectBody(Void.class);
    }

    @Test
    void malformedJsonIsABadRequest() {
        post("{\"model\": \"kimi-k2.5\", \"messages\": [")
                .expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.error.type").isEqualTo("invalid_request_error")
                .jsonPath("$.error.code").isEqualTo("invalid_json");
    }

    @Test
    void missingMessagesIsABadRequest() {
        post("{\"model\": \"kimi-k2.5\"}")
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.code").isEqualTo("missing_required_parameter");
    }

    @Test
    void oversizedBodyIsRejectedFromContentLength() {
        post("{\"model\":\"kimi-k2.5\",\"messages\":[{\"role\":\"user\",\"content\":\""
                + "x".repeat(MAX_REQUEST_BYTES) + "\"}]}")
                .expectStatus().isEqualTo(HttpStatus.CONTENT_TOO_LARGE)
                .expectBody().jsonPath("$.error.code").isEqualTo("request_too_large");
    }

    @Test
    void oversizedChunkedBodyIsRejectedWhileReading() {
        byte[] chunk = "x".repeat(8 * 1024).getBytes(StandardCharsets.UTF_8);
        Flux<DataBuffer> body = Flux.range(0, 20).map(i -> DefaultDataBufferFactory.sharedInstance.wrap(chunk));

        client.post().uri("/v1/chat/completions")
                .headers(bearer(TOKENS.forTenant("acme")))
                .contentType(MediaType.APPLICATION_JSON)
                .body(body, DataBuffer.class)
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.CONTENT_TOO_LARGE)
                .expectBody().jsonPath("$.error.code").isEqualTo("request_too_large");
    }

    @Test
    void messageRoleThatIsNotAStringIsABadRequest() {
        post("{\"model\":\"m\",\"messages\":[{\"role\":{\"x\":1}}]}")
                .expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.error.type").isEqualTo("invalid_request_error")
                .jsonPath("$.error.code").isEqualTo("invalid_request_body");
    }

    @Test
    void trailingSlashNeverReachesACellWhateverTheScope() {
        int completionsBefore = KIMI_CELLS.stream().mapToInt(StubCell::completions).sum();
        String withoutInvoke = TOKENS.token(claims -> claims.claim("scope", "sessions:write"));

        for (String token : List.of(withoutInvoke, TOKENS.forTenant("acme"))) {
            client.post().uri("/v1/chat/completions/")
                    .headers(bearer(token))
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(chatBody(false))
                    .exchange()
                    .expectStatus().isNotFound()
                    .expectBody().jsonPath("$.error.code").isEqualTo("not_found");
        }

        assertThat(KIMI_CELLS.stream().mapToInt(StubCell::completions).sum()).isEqualTo(completionsBefore);
    }

    @Test
    void otherMethodsOnInferencePathsAreNotAllowed() {
        client.get().uri("/v1/chat/completions")
                .headers(bearer(TOKENS.forTenant("acme")))
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.METHOD_NOT_ALLOWED)
                .expectHeader().valueEquals(HttpHeaders.ALLOW, "POST")
                .expectBody()
                .jsonPath("$.error.type").isEqualTo("invalid_request_error")
                .jsonPath("$.error.code").isEqualTo("method_not_allowed");
        client.post().uri("/v1/models")
                .headers(bearer(TOKENS.forTenant("acme")))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{}")
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.METHOD_NOT_ALLOWED)
                .expectHeader().valueEquals(HttpHeaders.ALLOW, "GET")
                .expectHeader().doesNotExist(WarmpathHeaders.CELL);
    }

    @Test
    void unknownModelIsNotFound() {
        post(chatBody(false).replace(MODEL, "no-such-model"))
                .expectStatus().isNotFound()
                .expectBody().jsonPath("$.error.code").isEqualTo("model_not_found");
    }

    @Test
    void modelWithoutHealthyCellIsUnavailableWithRetryAfter() {
        post(chatBody(false).replace(MODEL, "small-model"))
                .expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
                .expectHeader().exists(HttpHeaders.RETRY_AFTER)
                .expectBody().jsonPath("$.error.code").isEqualTo("no_healthy_cell");
        assertThat(NOT_READY.completions()).isZero();
    }

    @Test
    void unknownV1RouteIsNotFoundAsOpenAiError() {
        client.get().uri("/v1/embeddings-nope")
                .headers(bearer(TOKENS.forTenant("acme")))
                .exchange()
                .expectStatus().isNotFound()
                .expectBody()
                .jsonPath("$.error.type").isEqualTo("invalid_request_error")
                .jsonPath("$.error.code").isEqualTo("not_found");
    }

    @Test
    void errorsOutsideV1AreProblemDetails() {
        client.get().uri("/not-a-route")
                .headers(bearer(TOKENS.forTenant("acme")))
                .exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status").isEqualTo(404)
                .jsonPath("$.instance").isEqualTo("/not-a-route");
    }

    @Test
    void healthAndPrometheusAreServedOnTheManagementPortOnlyAndNeedNoToken() {
        chat("acme", "metrics-1");
        client.get().uri("/actuator/prometheus").exchange().expectStatus().isNotFound().expectBody(Void.class);
        client.get().uri("/actuator/health/readiness").exchange().expectStatus().isNotFound().expectBody(Void.class);
        WebTestClient management = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + managementPort).build();
        management.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk()
                .expectBody(Void.class);
        management.get().uri("/actuator/prometheus")
                .exchange()
                .expectStatus().isOk()
                .expectBody(String.class)
                .value(text -> assertThat(text)
                        .contains("warmpath_gateway_routing_decisions_total{outcome=\"routed\",policy=\"sticky\"}")
                        .contains("warmpath_gateway_sessions_degraded_total{decision=\"stateless\"}")
                        .contains("warmpath_gateway_cells_healthy")
                        .contains("warmpath_gateway_load_spread")
                        .doesNotContain("acme"));
    }

    @Test
    void stoppedCellsSessionsAreServedByAnotherCellAndTheCellIsEjected() throws InterruptedException {
        StubCell victim = KIMI_CELLS.get(1);
        String session = sessionServedBy(victim.id);
        double ejectionsBefore = ejections("connect_failure");

        victim.stop();
        try {
            String fallback = servedBy(chat("acme", session));

            assertThat(fallback).isNotEqualTo(victim.id);
            assertThat(stub(fallback).lastBody()).as("the cached body is sent again on retry").isEqualTo(chatBody(false));
            assertThat(ejections("connect_failure")).isEqualTo(ejectionsBefore + 1);
            assertThat(cell(victim.id).eligible()).isFalse();
            assertThat(servedBy(chat("acme", session))).as("stays on the fallback while ejected").isEqualTo(fallback);
        } finally {
            victim.restart();
        }
        MovableTime.CLOCK.jump(COOLDOWN);
        prober.refresh().block();
        assertThat(servedBy(chat("acme", session))).as("back home after re-admission").isEqualTo(victim.id);
    }

    @Test
    void aTurnWhoseCellsEngineIsDownIsServedByAnotherCellAndTheCellEjected() {
        StubCell failing = KIMI_CELLS.get(2);
        String session = sessionServedBy(failing.id);
        int callsBefore = failing.completions();
        double ejectionsBefore = ejections("unavailable");
        double retriedBefore = retries("cell_unavailable", "retried");

        failing.answer503(true);
        String servedBy;
        try {
            servedBy = servedBy(sessionTurn("acme", session).expectStatus().isOk()
                    .expectHeader().doesNotExist(WarmpathHeaders.UNAVAILABLE)
                    .expectHeader().doesNotExist(HttpHeaders.RETRY_AFTER)
                    .expectBody().returnResult());
        } finally {
            failing.answer503(false);
        }

        assertThat(servedBy).isNotEqualTo(failing.id);
        assertThat(failing.completions()).isEqualTo(callsBefore + 1);
        assertThat(ejections("unavailable")).isEqualTo(ejectionsBefore + 1);
        assertThat(retries("cell_unavailable", "retried")).isEqualTo(retriedBefore + 1);
    }

    @Test
    void aBusyCellsTurnIsServedByAnotherCellAndTheBusyCellStaysInRouting() {
        StubCell busy = KIMI_CELLS.get(1);
        String session = sessionServedBy(busy.id);
        double ejectionsBefore = ejections("unavailable");
        double retriedBefore = retries("cell_busy", "retried");

        busy.answerBusy(true);
        String servedBy;
        try {
            servedBy = servedBy(sessionTurn("acme", session).expectStatus().isOk().expectBody().returnResult());
        } finally {
            busy.answerBusy(false);
        }

        assertThat(servedBy).isNotEqualTo(busy.id);
        assertThat(ejections("unavailable")).isEqualTo(ejectionsBefore);
        assertThat(cell(busy.id).eligible()).isTrue();
        assertThat(retries("cell_busy", "retried")).isEqualTo(retriedBefore + 1);
    }

    @Test
    void everyCellBusyIsA503WithTheLastCellsRetryAfter() {
        double exhaustedBefore = retries("cell_busy", "exhausted");
        KIMI_CELLS.forEach(cell -> cell.answerBusy(true));
        try {
            sessionTurn("acme", "all-busy").expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
                    .expectHeader().valueEquals(HttpHeaders.RETRY_AFTER, "3")
                    .expectBody().jsonPath("$.error.code").isEqualTo("cell_overloaded");
        } finally {
            KIMI_CELLS.forEach(cell -> cell.answerBusy(false));
        }
        assertThat(retries("cell_busy", "exhausted")).isEqualTo(exhaustedBefore + 1);
    }

    @Test
    void aFailedAttemptIsNotRetriedWhenTheDeadlineLeavesNoRoomForAnotherCellsFirstToken() {
        StubCell failing = KIMI_CELLS.get(0);
        String session = sessionServedBy(failing.id);
        double noTimeBefore = retries("cell_unavailable", "no_time");
        // About 2,000 prompt tokens: a third of a second of prefill on a cold cell, against 150 ms left.
        String longTurn = """
                {"model":"%s","messages":[{"role":"user","content":"%s"}]}""".formatted(MODEL, "word ".repeat(1_600));

        failing.answer503(true);
        try {
            client.post().uri("/v1/chat/completions")
                    .headers(bearer(TOKENS.forTenant("acme")))
                    .header("x-session-affinity", session)
                    .header(WarmpathHeaders.REQUEST_TIMEOUT_MS, "150")
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(longTurn)
                    .exchange()
                    .expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
                    .expectHeader().valueEquals(WarmpathHeaders.CELL, failing.id);
        } finally {
            failing.answer503(false);
        }
        assertThat(retries("cell_unavailable", "no_time")).isEqualTo(noTimeBefore + 1);
    }

    @Test
    void eachAttemptTellsItsCellWhatIsLeftOfTheDeadlineAndASpentOrMalformedOneIsAnsweredAtOnce() {
        EntityExchangeResult<byte[]> served = client.post().uri("/v1/chat/completions")
                .headers(bearer(TOKENS.forTenant("acme")))
                .header(WarmpathHeaders.REQUEST_TIMEOUT_MS, "5000")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(chatBody(false))
                .exchange().expectStatus().isOk().expectBody().returnResult();
        long told = Long.parseLong(stub(servedBy(served)).lastHeader(WarmpathHeaders.REQUEST_TIMEOUT_MS));
        assertThat(told).isBetween(1L, 5000L);

        int calls = KIMI_CELLS.stream().mapToInt(StubCell::completions).sum();
        for (String spent : new String[] {"0", "-5", "soon", "1.5"}) {
            client.post().uri("/v1/chat/completions")
                    .headers(bearer(TOKENS.forTenant("acme")))
                    .header(WarmpathHeaders.REQUEST_TIMEOUT_MS, spent)
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(chatBody(false))
                    .exchange()
                    .expectStatus().isEqualTo(spent.equals("0") ? HttpStatus.GATEWAY_TIMEOUT : HttpStatus.BAD_REQUEST)
                    .expectBody().jsonPath("$.error.code")
                    .isEqualTo(spent.equals("0") ? "deadline_exceeded" : "invalid_request_timeout");
        }
        assertThat(KIMI_CELLS.stream().mapToInt(StubCell::completions).sum()).isEqualTo(calls);
    }

    @Test
    void cellClosingTheConnectionBeforeAnsweringIsABadGatewayAndEjected() {
        StubCell crashing = KIMI_CELLS.get(0);
        String session = sessionServedBy(crashing.id);
        int callsBefore = crashing.completions();
        double ejectionsBefore = ejections("premature_close");

        crashing.dropRequests(true);
        try {
            sessionTurn("acme", session)
                    .expectStatus().isEqualTo(HttpStatus.BAD_GATEWAY)
                    .expectBody()
                    .jsonPath("$.error.type").isEqualTo("server_error")
                    .jsonPath("$.error.code").isEqualTo("cell_failed");
        } finally {
            crashing.dropRequests(false);
        }

        assertThat(crashing.completions()).as("a POST that reached the cell is not retried").isEqualTo(callsBefore + 1);
        assertThat(ejections("premature_close")).isEqualTo(ejectionsBefore + 1);
        assertThat(servedBy(chat("acme", session))).isNotEqualTo(crashing.id);
    }

    @Test
    void cellRefusingOneRequestWithAnUnmarked503StaysInRouting() {
        StubCell refusing = KIMI_CELLS.get(1);
        String session = sessionServedBy(refusing.id);
        double ejectionsBefore = ejections("unavailable");

        refusing.refuseWithUnmarked503(true);
        try {
            sessionTurn("acme", session)
                    .expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
                    .expectBody().jsonPath("$.error.code").isEqualTo("session_service_unavailable");
        } finally {
            refusing.refuseWithUnmarked503(false);
        }

        assertThat(ejections("unavailable")).isEqualTo(ejectionsBefore);
        assertThat(servedBy(chat("acme", session))).isEqualTo(refusing.id);
    }

    private void assertRejectedToken(Consumer<JWTClaimsSet.Builder> change) {
        client.post().uri("/v1/chat/completions")
                .headers(bearer(TOKENS.token(change)))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(chatBody(false))
                .exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().value(HttpHeaders.WWW_AUTHENTICATE, value -> assertThat(value)
                        .contains("error=\"invalid_token\""))
                .expectBody()
                .jsonPath("$.error.code").isEqualTo("invalid_token");
    }

    private WebTestClient.ResponseSpec post(String body) {
        return client.post().uri("/v1/chat/completions")
                .headers(bearer(TOKENS.forTenant("acme")))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange();
    }

    private EntityExchangeResult<byte[]> chat(String tenant, String affinity) {
        return sessionTurn(tenant, affinity).expectStatus().isOk().expectBody().returnResult();
    }

    /** One non-streamed turn of a session, whatever its outcome. */
    private WebTestClient.ResponseSpec sessionTurn(String tenant, String affinity) {
        return client.post().uri("/v1/chat/completions")
                .headers(bearer(TOKENS.forTenant(tenant)))
                .header("x-session-affinity", affinity)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(chatBody(false))
                .exchange();
    }

    private String sessionServedBy(String cellId) {
        for (int i = 0; i < 200; i++) {
            String session = "find-" + cellId + "-" + i;
            if (servedBy(chat("acme", session)).equals(cellId)) {
                return session;
            }
        }
        throw new AssertionError("no session landed on " + cellId);
    }

    private static String servedBy(EntityExchangeResult<byte[]> result) {
        return result.getResponseHeaders().getFirst(WarmpathHeaders.CELL);
    }

    private static StubCell stub(String id) {
        return KIMI_CELLS.stream().filter(cell -> cell.id.equals(id)).findFirst().orElseThrow();
    }

    private static void awaitUntil(BooleanSupplier condition, String description) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(description).isLessThan(deadline);
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
    }

    private long healthyKimiCells() {
        return registry.snapshot().stream().filter(cell -> cell.serves(MODEL) && cell.eligible()).count();
    }

    private CellSnapshot cell(String id) {
        return registry.snapshot().stream().filter(cell -> cell.id().equals(id)).findFirst().orElseThrow();
    }

    private double degraded(String decision) {
        return meters.get("warmpath.gateway.sessions.degraded").tag("decision", decision).counter().count();
    }

    private double retries(String cause, String outcome) {
        var counter = meters.find("warmpath.gateway.retries").tag("cause", cause).tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    private double ejections(String reason) {
        return meters.get("warmpath.gateway.cell.ejections").tag("reason", reason).counter().count();
    }

    private static Consumer<HttpHeaders> bearer(String token) {
        return headers -> headers.setBearerAuth(token);
    }

    private static String chatBody(boolean stream) {
        return """
                {"model":"%s","stream":%s,
                 "messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"Say hello"}]}"""
                .formatted(MODEL, stream);
    }
}
