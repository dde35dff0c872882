package io.warmpath.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import io.warmpath.contracts.WarmpathHeaders;
import io.warmpath.contracts.assertion.Audiences;
import io.warmpath.contracts.testing.StubSessionService;
import io.warmpath.gateway.cells.CellProber;
import io.warmpath.gateway.cells.CellRegistry;
import io.warmpath.gateway.cells.CellSnapshot;
import io.warmpath.routing.CellPool;
import io.warmpath.routing.PickRequest;
import io.warmpath.routing.RoutingKeys;
import io.warmpath.routing.RoutingPolicies;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sticky routing with session-service up (a stub on a random port) and the cells listed in a cells file, which tests
 * edit to add a cell at run time.
 */
@Import(MovableTime.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "30s") // the default 5 s is too short on a busy CI machine
class StickySessionIntegrationTest {

    private static final String MODEL = "kimi-k2.5";
    private static final StubCell CELL_A = StubCell.start("sticky-a", MODEL, true);
    private static final StubCell CELL_B = StubCell.start("sticky-b", MODEL, true);
    /** Not in the cells file until a test scales out. */
    private static final StubCell CELL_C = StubCell.start("sticky-c", MODEL, true);
    private static final StubSessionService SESSIONS = StubSessionService.start();
    private static final TestTokens TOKENS = new TestTokens();
    private static final Path CELLS_FILE = tempFile();
    private static final AtomicInteger FILE_VERSION = new AtomicInteger();
    private static final Duration COOLDOWN = Duration.ofMillis(300);
    private static final Duration NEAR_CACHE_TTL = Duration.ofMillis(400);

    static {
        writeCellsFile(CELL_A, CELL_B);
    }

    @DynamicPropertySource
    static void gatewayProperties(DynamicPropertyRegistry registry) {
        registry.add("warmpath.gateway.cells-file", CELLS_FILE::toString);
        registry.add("warmpath.gateway.sessions.url", SESSIONS::url);
        registry.add("warmpath.gateway.sessions.near-cache-ttl", () -> NEAR_CACHE_TTL.toMillis() + "ms");
        // Turns past the ttl wait for session-service, so the turn after a settle sees its context size.
        registry.add("warmpath.gateway.sessions.near-cache-max-stale", () -> "0s");
        registry.add("spring.security.oauth2.resourceserver.jwt.public-key-location", TOKENS::publicKeyLocation);
        registry.add("warmpath.gateway.health.probe-interval", () -> "1h");
        registry.add("warmpath.gateway.health.ejection-cooldown", () -> COOLDOWN.toMillis() + "ms");
        // Routing alone: regional policy has its own test (RegionalRoutingIntegrationTest).
        registry.add("warmpath.gateway.policy.enabled", () -> "false");
    }

    @Autowired
    WebTestClient client;

    @Autowired
    CellProber prober;

    @Autowired
    CellRegistry registry;

    @AfterAll
    static void stopStubs() {
        List.of(CELL_A, CELL_B, CELL_C).forEach(StubCell::stop);
        SESSIONS.stop();
    }

    @LocalManagementPort
    int managementPort;

    private WebTestClient management() {
        return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + managementPort).build();
    }

    @BeforeEach
    void fileCellsHealthy() {
        awaitHealthy(Set.of(CELL_A.id, CELL_B.id));
    }

    @Test
    void promptCacheKeyAloneMakesATurnASessionTurnThatStaysOnItsCell() {
        String body = """
                {"model":"%s","prompt_cache_key":"pck-agent-1","messages":[{"role":"user","content":"Hi"}]}"""
                .formatted(MODEL);
        int before = SESSIONS.resolveCalls("pck-agent-1");

        List<String> cells = new java.util.ArrayList<>();
        for (int turn = 0; turn < 3; turn++) {
            cells.add(servedBy(client.post().uri("/v1/chat/completions").headers(bearer(TOKENS.forTenant("acme")))
                    .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                    .expectStatus().isOk().expectBody().returnResult()));
        }

        assertThat(SESSIONS.resolveCalls("pck-agent-1")).as("resolved as the session value").isGreaterThan(before);
        assertThat(cells).containsOnly(cells.getFirst());
        assertThat(stub(cells.getFirst()).lastAssertion().path("session").asString()).startsWith("ses_");
    }

    @Test
    void aRecordedSessionsTurnCarriesAnAssertionThatMayStoreItsTranscriptAndNothingElse() {
        String plain = SESSIONS.createTokenSession("acme", "audited");
        StubCell plainCell = stub(servedBy(chat(plain, headers -> { })));
        assertThat(plainCell.lastHeader(WarmpathHeaders.ARTIFACTS_ASSERTION)).as("a session that records nothing")
                .isNull();

        String recorded = SESSIONS.createTokenSession("acme", "audited");
        String sessionId = SESSIONS.sessionIdOfToken(recorded);
        SESSIONS.recordTranscript(sessionId);
        StubCell cell = stub(servedBy(chat(recorded, headers -> { })));

        JsonNode transcript = cell.lastOnwardAssertion(WarmpathHeaders.ARTIFACTS_ASSERTION);
        assertThat(transcript.path("aud").toString()).contains("artifact-service");
        assertThat(transcript.path("scope").asString()).isEqualTo("artifacts:transcript");
        assertThat(transcript.path("session").asString()).isEqualTo(sessionId);
        assertThat(transcript.path("tenant").asString()).isEqualTo("acme");
    }

    @Test
    void tokenSessionKeepsItsBindingAcrossTurnsAndCellsLearnWhatTheyHold() {
        String token = SESSIONS.createTokenSession("acme", "code-review");
        String sessionId = SESSIONS.sessionIdOfToken(token);

        String first = servedBy(chat(token, headers -> headers.set("x-workflow", "code-review")));
        StubCell bound = stub(first);
        assertThat(bound.lastAssertion().path("session").asString()).isEqualTo(sessionId);
        assertThat(bound.lastAssertion().path("tenant").asString()).isEqualTo("acme");
        assertThat(bound.lastAssertion().path("workflow").asString()).isEqualTo("code-review");
        assertThat(bound.lastAssertion().path("session_limited").asBoolean()).as("a budget to reserve against")
                .isTrue();
        assertThat(bound.lastOnwardAssertion(WarmpathHeaders.SESSIONS_ASSERTION).path("session").asString())
                .isEqualTo(sessionId);
        assertThat(bound.lastHeader(WarmpathHeaders.PREDICTED_CACHED_TOKENS)).isEqualTo("0");
        awaitUntil(() -> first.equals(SESSIONS.boundCell(sessionId)), "binding stored");
        assertThat(SESSIONS.bindingPuts(sessionId)).singleElement().satisfies(put -> {
            assertThat(put.reason()).isEqualTo("new");
            assertThat(put.model()).isEqualTo(MODEL);
            assertThat(put.tenant()).isEqualTo("acme");
        });

        // The cell settles the turn; once the near cache expires the next turn learns the context size.
        SESSIONS.holdPromptTokens(sessionId, 1_200);
        MovableTime.CLOCK.jump(NEAR_CACHE_TTL.plusMillis(100));
        for (int turn = 2; turn <= 6; turn++) {
            assertThat(servedBy(chat(token, headers -> { }))).as("turn %d", turn).isEqualTo(first);
        }
        assertThat(bound.lastHeader(WarmpathHeaders.PREDICTED_CACHED_TOKENS)).isEqualTo("1200");
        assertThat(SESSIONS.bindingPuts(sessionId)).as("hits write nothing").hasSize(1);
    }

    @Test
    void cellsAreToldWhenASessionHasNoLimitsAndAClientCannotSayItForThem() {
        StubCell implicitCell = stub(servedBy(chat("no-limits-1", headers -> { })));
        assertThat(implicitCell.lastAssertion().path("session_limited").asBoolean(true)).isFalse();

        String token = SESSIONS.createTokenSession("acme", "code-review");
        StubCell tokenCell = stub(servedBy(chat(token, headers -> headers.set(WarmpathHeaders.SESSION_LIMITS,
                WarmpathHeaders.SESSION_LIMITS_NONE))));
        assertThat(tokenCell.lastAssertion().path("session_limited").asBoolean()).isTrue();
        assertThat(tokenCell.lastHeader(WarmpathHeaders.SESSION_LIMITS)).isNull();
    }

    @Test
    void cellAddedToTheCellsFileTakesNewSessionsWhileBoundSessionsStay() {
        Map<String, String> boundBefore = new HashMap<>();
        for (int i = 0; i < 12; i++) {
            String affinity = "scale-" + i;
            boundBefore.put(affinity, servedBy(chat(affinity, headers -> { })));
        }
        awaitUntil(() -> boundBefore.keySet().stream().allMatch(a -> SESSIONS.sessionIdOfImplicit("acme", a) != null
                && SESSIONS.boundCell(SESSIONS.sessionIdOfImplicit("acme", a)) != null), "bindings stored");

        writeCellsFile(CELL_A, CELL_B, CELL_C);
        try {
            awaitHealthy(Set.of(CELL_A.id, CELL_B.id, CELL_C.id));

            for (Map.Entry<String, String> session : boundBefore.entrySet()) {
                assertThat(servedBy(chat(session.getKey(), headers -> { }))).isEqualTo(session.getValue());
                String id = SESSIONS.sessionIdOfImplicit("acme", session.getKey());
                assertThat(SESSIONS.bindingPuts(id)).as("no rebind after scale-out").hasSize(1);
            }
            Set<String> newSessionCells = new HashSet<>();
            for (int i = 0; i < 40; i++) {
                newSessionCells.add(servedBy(chat("scaled-new-" + i, headers -> { })));
            }
            assertThat(newSessionCells).contains(CELL_C.id);
        } finally {
            writeCellsFile(CELL_A, CELL_B);
            prober.refresh().block();
        }
    }

    @Test
    void stoppedCellsSessionRebindsAsUnhealthyAndStaysOnItsNewCell() {
        String affinity = "failover-1";
        String home = servedBy(chat(affinity, headers -> { }));
        String sessionId = SESSIONS.sessionIdOfImplicit("acme", affinity);
        awaitUntil(() -> home.equals(SESSIONS.boundCell(sessionId)), "binding stored");
        long epoch = SESSIONS.epoch(sessionId);
        StubCell victim = stub(home);

        victim.stop();
        String moved;
        try {
            moved = servedBy(chat(affinity, headers -> { }));

            assertThat(moved).isNotEqualTo(home);
            awaitUntil(() -> moved.equals(SESSIONS.boundCell(sessionId)), "rebind stored");
            assertThat(SESSIONS.bindingPuts(sessionId).getLast()).satisfies(put -> {
                assertThat(put.reason()).isEqualTo("rebind_unhealthy");
                assertThat(put.cellId()).isEqualTo(moved);
                assertThat(put.expectedEpoch()).isEqualTo(epoch);
            });
        } finally {
            victim.restart();
        }
        MovableTime.CLOCK.jump(COOLDOWN);
        awaitHealthy(Set.of(CELL_A.id, CELL_B.id));
        assertThat(servedBy(chat(affinity, headers -> { }))).as("the binding, not the ring, decides").isEqualTo(moved);
    }

    @Test
    void firstBindingExpectsEpochZeroAndAConnectFailureRetryBindsOnlyTheCellThatAnswered() {
        StubCell dead = CELL_B;
        String affinity = affinityFirstPlacedOn(dead.id);

        dead.stop();
        String served;
        try {
            served = servedBy(chat(affinity, headers -> { }));
        } finally {
            dead.restart();
        }

        assertThat(served).isNotEqualTo(dead.id);
        assertThat(registry.snapshot()).filteredOn(cell -> cell.id().equals(dead.id)).singleElement()
                .as("the first attempt went to the stopped cell and ejected it")
                .satisfies(cell -> assertThat(cell.eligible()).isFalse());
        String sessionId = SESSIONS.sessionIdOfImplicit("acme", affinity);
        awaitUntil(() -> served.equals(SESSIONS.boundCell(sessionId)), "binding stored");
        // Writes run in the background: give a stray write for the dead cell time to arrive.
        sleep(Duration.ofMillis(300));
        assertThat(SESSIONS.bindingPuts(sessionId)).singleElement().satisfies(put -> {
            assertThat(put.cellId()).isEqualTo(served);
            assertThat(put.reason()).isEqualTo("new");
            assertThat(put.expectedEpoch()).as("never bound: epoch 0").isZero();
        });
        MovableTime.CLOCK.jump(COOLDOWN);
    }

    @Test
    void sessionServiceRefusingTheGatewaysHeadersIsAnInternalErrorNotAnOutage() {
        int completionsBefore = CELL_A.completions() + CELL_B.completions();

        SESSIONS.refuseResolutions(true);
        try {
            send("refused-1", headers -> { })
                    .expectStatus().isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR)
                    .expectBody()
                    .jsonPath("$.error.type").isEqualTo("server_error")
                    .jsonPath("$.error.code").isEqualTo("internal_error");
        } finally {
            SESSIONS.refuseResolutions(false);
        }

        assertThat(CELL_A.completions() + CELL_B.completions()).as("not routed as if degraded")
                .isEqualTo(completionsBefore);
    }

    @Test
    void unknownTokenIsNotFoundAnotherWorkflowIsForbiddenAndAMalformedOneIsABadRequest() {
        String token = SESSIONS.createTokenSession("acme", "code-review");

        send("wpt_unknown0000000000000000000000000000000000", headers -> { })
                .expectStatus().isNotFound()
                .expectBody()
                .jsonPath("$.error.code").isEqualTo("session_not_found");
        send(token, headers -> headers.set("x-workflow", "billing"))
                .expectStatus().isForbidden()
                .expectBody()
                .jsonPath("$.error.code").isEqualTo("workflow_mismatch");
        send(SESSIONS.createTokenSession("globex", "code-review"), headers -> { })
                .expectStatus().isNotFound()
                .expectBody(Void.class);
        send(token, headers -> headers.set("x-workflow", "Not A Workflow!"))
                .expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.error.code").isEqualTo("invalid_session_header");
    }

    @Test
    void sessionClosedThroughThisGatewayStopsResolvingHereAtOnce() {
        String token = SESSIONS.createTokenSession("acme", "code-review");
        String sessionId = SESSIONS.sessionIdOfToken(token);
        send(token, headers -> { }).expectStatus().isOk().expectBody(Void.class);

        client.delete().uri("/v1/sessions/" + sessionId)
                .headers(bearer(TOKENS.token(claims -> claims.claim("scope", "sessions:write"))))
                .exchange()
                .expectStatus().isNoContent()
                .expectBody(Void.class);

        // Well within the near cache's ttl: only the close seen on the way through drops the session.
        send(token, headers -> { }).expectStatus().isNotFound().expectBody(Void.class);
    }

    @Test
    void sessionApiIsProxiedWithTheCallersAssertionAndNotItsToken() {
        String token = TOKENS.token(claims -> claims.claim("scope", "sessions:write"));
        client.post().uri("/v1/sessions")
                .headers(bearer(token))
                .header(WarmpathHeaders.TENANT, "globex")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"workflow\":\"code-review\"}")
                .exchange()
                .expectStatus().isCreated()
                .expectBody().jsonPath("$.id").isEqualTo("ses_stub");

        StubSessionService.PublicCall call = SESSIONS.publicCalls().getLast();
        assertThat(call.method()).isEqualTo("POST");
        assertThat(call.path()).isEqualTo("/v1/sessions");
        assertThat(call.headers()).doesNotContainKey(WarmpathHeaders.TENANT);
        assertThat(call.headers().get("authorization")).doesNotContain(token);
        JsonNode assertion = StubSessionService.claimsOf(call.headers().get("authorization"));
        assertThat(assertion.path("tenant").asString()).isEqualTo("acme");
        assertThat(assertion.path("sub").asString()).isEqualTo("agent-1");
        assertThat(assertion.path("scope").asString()).isEqualTo("sessions:write");
        assertThat(assertion.path("aud").toString()).contains(Audiences.SESSIONS);
    }

    @Test
    void sessionApiScopes() {
        String invokeOnly = TOKENS.token(claims -> claims.claim("scope", "inference:invoke"));
        String writer = TOKENS.token(claims -> claims.claim("scope", "sessions:write"));
        int callsBefore = SESSIONS.publicCalls().size();

        client.post().uri("/v1/sessions").headers(bearer(invokeOnly)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"workflow\":\"code-review\"}").exchange()
                .expectStatus().isForbidden()
                .expectBody().jsonPath("$.error.code").isEqualTo("insufficient_scope");
        client.post().uri("/v1/sessions/ses_1/rotate").headers(bearer(invokeOnly)).exchange()
                .expectStatus().isForbidden()
                .expectBody(Void.class);
        client.delete().uri("/v1/sessions/ses_1").headers(bearer(invokeOnly)).exchange()
                .expectStatus().isForbidden()
                .expectBody(Void.class);
        assertThat(SESSIONS.publicCalls()).as("refused at the gateway").hasSize(callsBefore);

        client.get().uri("/v1/sessions/ses_1").headers(bearer(invokeOnly)).exchange().expectStatus().isOk()
                .expectBody(Void.class);
        client.get().uri("/v1/sessions/ses_1/usage").headers(bearer(writer)).exchange().expectStatus().isOk()
                .expectBody(Void.class);
        client.delete().uri("/v1/sessions/ses_1").headers(bearer(writer)).exchange().expectStatus().isNoContent()
                .expectBody(Void.class);
        assertThat(SESSIONS.publicCalls().subList(callsBefore, SESSIONS.publicCalls().size()))
                .extracting(StubSessionService.PublicCall::method).containsExactly("GET", "GET", "DELETE");
    }

    @Test
    void bindingOutcomesAreMeteredWithoutSessionLabels() {
        String affinity = "metered-1";
        chat(affinity, headers -> { });
        chat(affinity, headers -> { });
        String sessionId = SESSIONS.sessionIdOfImplicit("acme", affinity);

        String metrics = management().get().uri("/actuator/prometheus").exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();

        assertThat(metrics)
                .contains("warmpath_gateway_binding_total{outcome=\"new\",reason=\"new\"}")
                .contains("warmpath_gateway_binding_total{outcome=\"hit\",reason=\"bound\"}")
                .contains("warmpath_gateway_sessions_resolutions_seconds_bucket")
                .doesNotContain(sessionId)
                .doesNotContain(affinity);
    }

    private WebTestClient.ResponseSpec send(String affinity, Consumer<HttpHeaders> extra) {
        return client.post().uri("/v1/chat/completions")
                .headers(bearer(TOKENS.forTenant("acme")))
                .header("x-session-affinity", affinity)
                .headers(extra)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(chatBody())
                .exchange();
    }

    private EntityExchangeResult<byte[]> chat(String affinity, Consumer<HttpHeaders> extra) {
        return send(affinity, extra).expectStatus().isOk().expectBody().returnResult();
    }

    /** An implicit session value that acme's first turn would place on the cell, as the gateway's policy places it. */
    private String affinityFirstPlacedOn(String cellId) {
        CellPool pool = CellPool.of(registry.snapshot().stream().filter(cell -> cell.serves(MODEL))
                .map(CellSnapshot::cell).toList());
        for (int i = 0; i < 1_000; i++) {
            String affinity = "placed-" + i;
            int index = RoutingPolicies.boundedLoad().pick(pool, PickRequest.of(RoutingKeys.session("acme", affinity)))
                    .orElseThrow();
            if (pool.get(index).id().equals(cellId)) {
                return affinity;
            }
        }
        throw new AssertionError("no value is placed on " + cellId);
    }

    private void awaitHealthy(Set<String> cellIds) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!healthy().equals(cellIds)) {
            assertThat(System.nanoTime()).as("cells %s healthy in time (now %s)", cellIds, healthy()).isLessThan(deadline);
            prober.refresh().block();
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
    }

    private Set<String> healthy() {
        return registry.snapshot().stream().filter(CellSnapshot::eligible).map(CellSnapshot::id).collect(Collectors.toSet());
    }

    private static String servedBy(EntityExchangeResult<byte[]> result) {
        return result.getResponseHeaders().getFirst(WarmpathHeaders.CELL);
    }

    private static StubCell stub(String id) {
        return List.of(CELL_A, CELL_B, CELL_C).stream().filter(cell -> cell.id.equals(id)).findFirst().orElseThrow();
    }

    private static void writeCellsFile(StubCell... cells) {
        String json = java.util.Arrays.stream(cells)
                .map(cell -> "{\"uri\":\"%s\",\"cell-id\":\"%s\",\"model\":\"%s\",\"region\":\"local\"}"
                        .formatted(cell.uri(), cell.id, cell.model))
                .collect(Collectors.joining(",", "[", "]"));
        try {
            Files.writeString(CELLS_FILE, json);
            // A distinct modification time per version, whatever the file system's granularity.
            Files.setLastModifiedTime(CELLS_FILE, FileTime.from(Instant.now().plusSeconds(FILE_VERSION.incrementAndGet())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path tempFile() {
        try {
            Path file = Files.createTempFile("gateway-test-cells", ".json");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void awaitUntil(BooleanSupplier condition, String description) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(description).isLessThan(deadline);
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
    }

    private static void sleep(Duration duration) {
        LockSupport.parkNanos(duration.toNanos());
    }

    private static Consumer<HttpHeaders> bearer(String token) {
        return headers -> headers.setBearerAuth(token);
    }

    private static String chatBody() {
        return """
                {"model":"%s","messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"Hi"}]}"""
                .formatted(MODEL);
    }
}
