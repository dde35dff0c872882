package io.warmpath.inference.session;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.warmpath.contracts.sessions.RecordedTurn;
import io.warmpath.contracts.sessions.Settlement;
import io.warmpath.inference.CellProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class TurnLedgerTest {

    private final JsonMapper json = JsonMapper.shared();
    private final List<Batch> batches = new CopyOnWriteArrayList<>();
    private final HttpServer sessionService = sessionService();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    record Batch(String authorization, JsonNode turns) {
    }

    @AfterEach
    void stop() {
        sessionService.stop(0);
    }

    @Test
    void turnsQueuedTogetherAreSentAsOneCallPerTenant() {
        // A long interval: the test flushes by hand, so that all five turns are queued first.
        TurnLedger ledger = ledger(Duration.ofHours(1));
        for (int i = 0; i < 3; i++) {
            ledger.record("acme", "acme-assertion-" + i, turn("ses_a", "req-" + i));
        }
        ledger.record("globex", "globex-assertion", turn("ses_g", "req-9"));
        ledger.record("acme", "acme-assertion-4", turn("ses_b", "req-4"));

        ledger.flush();

        await().atMost(Duration.ofSeconds(5)).until(() -> batches.size() == 2);
        // One call per tenant, made with the newest of its turns' assertions.
        assertThat(batches).extracting(Batch::authorization)
                .containsExactlyInAnyOrder("Bearer acme-assertion-4", "Bearer globex-assertion");
        Batch acme = batches.stream().filter(batch -> batch.authorization().contains("acme")).findFirst()
                .orElseThrow();
        assertThat(acme.turns()).hasSize(4);
        assertThat(acme.turns().get(3).path("session_id").asString()).isEqualTo("ses_b");
        assertThat(acme.turns().get(3).path("request_id").asString()).isEqualTo("req-4");
        assertThat(acme.turns().get(3).path("prompt_tokens").asLong()).isEqualTo(100);
        assertThat(acme.turns().get(3).path("model").asString()).isEqualTo("kimi-k2.5");
    }

    @Test
    void queuedTurnsAreSentOnTheirOwnWithinTheFlushInterval() throws InterruptedException {
        TurnLedger ledger = ledger(Duration.ofMillis(20));

        ledger.record("acme", "acme-assertion", turn("ses_a", "req-1"));

        await().atMost(Duration.ofSeconds(5)).until(() -> batches.size() == 1);
        ledger.destroy();
    }

    @Test
    void shutdownSendsWhatIsLeftAndWaitsForTheAnswer() throws InterruptedException {
        TurnLedger ledger = ledger(Duration.ofHours(1));
        ledger.record("acme", "acme-assertion", turn("ses_a", "req-1"));
        ledger.record("acme", "acme-assertion", turn("ses_a", "req-2"));

        ledger.destroy();

        assertThat(batches).singleElement().satisfies(batch -> assertThat(batch.turns()).hasSize(2));
    }

    @Test
    void aFullQueueDropsAndCountsInsteadOfGrowing() {
        TurnLedger ledger = ledger(Duration.ofHours(1));
        for (int i = 0; i < TurnLedger.CAPACITY + 3; i++) {
            ledger.record("acme", "acme-assertion", turn("ses_a", "req-" + i));
        }

        assertThat(meters.get(TurnLedger.DROPPED).counter().count()).isEqualTo(3);
    }

    private TurnLedger ledger(Duration flushInterval) {
        URI url = URI.create("http://127.0.0.1:" + sessionService.getAddress().getPort());
        var cell = new CellProperties("cell-1", "local", URI.create("http://127.0.0.1:1"),
                new CellProperties.Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1),
                        Duration.ofSeconds(1), Duration.ofMinutes(1)),
                Duration.ofSeconds(1), Duration.ofSeconds(1), DataSize.ofMegabytes(1), url,
                Duration.ofSeconds(2), 1024, flushInterval,
                new CellProperties.CacheSalt(null, CellProperties.CacheSalt.Scope.TENANT));
        return new TurnLedger(new SessionBudgetClient(cell, meters, json), cell, meters);
    }

    private static RecordedTurn turn(String sessionId, String requestId) {
        return RecordedTurn.of(sessionId, requestId, Settlement.of(100, 50, 1, 10, "cell-1", "kimi-k2.5"));
    }

    private HttpServer sessionService() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/internal/turns", exchange -> {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                batches.add(new Batch(exchange.getRequestHeaders().getFirst("Authorization"),
                        json.readTree(body).path("turns")));
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            server.start();
            return server;
        }
        catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
