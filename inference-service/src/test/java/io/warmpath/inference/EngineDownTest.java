package io.warmpath.inference;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;

import io.warmpath.contracts.WarmpathHeaders;
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

import static org.awaitility.Awaitility.await;

/** A cell whose engine refuses connections: it stays alive, is not ready, and answers 503 with Retry-After. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        // Engine and budgets alone: the region re-check has its own test (RegionCheckTest).
        "warmpath.cell.policy-enabled=false",
        "warmpath.cell.id=cell-orphan",
        "warmpath.cell.status-interval=100ms",
        "warmpath.cell.retry-after=2s"})
@AutoConfigureWebTestClient(timeout = "30s") // the default 5 s is too short on a busy CI machine
class EngineDownTest {

    @Autowired
    private WebTestClient client;

    @LocalManagementPort
    private int managementPort;

    @BeforeEach
    void authenticate() {
        client = client.mutate().defaultHeaders(CellCalls.caller()).build();
    }

    @DynamicPropertySource
    static void engineUrl(DynamicPropertyRegistry registry) throws IOException {
        int port = closedPort();
        registry.add("warmpath.cell.engine-url", () -> "http://127.0.0.1:" + port);
    }

    @Test
    void completionIsServiceUnavailableWithRetryAfter() {
        client.post().uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .exchange()
                .expectStatus().isEqualTo(503)
                .expectHeader().valueEquals(HttpHeaders.RETRY_AFTER, "2")
                .expectHeader().valueEquals(WarmpathHeaders.UNAVAILABLE, "engine")
                .expectHeader().valueEquals(WarmpathHeaders.CELL, "cell-orphan")
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody()
                .jsonPath("$.error.code").isEqualTo("engine_unavailable")
                .jsonPath("$.error.type").isEqualTo("server_error");
    }

    @Test
    void modelsAreServiceUnavailableToo() {
        client.get().uri("/v1/models")
                .exchange()
                .expectStatus().isEqualTo(503)
                .expectHeader().exists(HttpHeaders.RETRY_AFTER);
    }

    @Test
    void cellIsAliveButNotReady() {
        // Give the poller a few rounds, so that DOWN reflects failed probes, not merely "not polled yet".
        await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                CellCalls.management(managementPort).get().uri("/actuator/health/readiness").exchange()
                        .expectStatus().isEqualTo(503)
                        .expectBody().jsonPath("$.status").isEqualTo("DOWN"));
        CellCalls.management(managementPort).get().uri("/actuator/health/liveness").exchange().expectStatus().isOk()
                .expectBody(Void.class);
        client.get().uri("/cell/status").headers(CellCalls.prober()).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.ready").isEqualTo(false)
                .jsonPath("$.cell_id").isEqualTo("cell-orphan");
    }

    /** A port nobody listens on (bound, then released). */
    private static int closedPort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
