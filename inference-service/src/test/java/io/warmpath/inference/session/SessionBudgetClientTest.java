package io.warmpath.inference.session;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.warmpath.contracts.sessions.Reservation;
import io.warmpath.contracts.sessions.ReservationRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The client on its own, against a closed port and a session-service that answers without an OpenAI body. */
class SessionBudgetClientTest {

    private static final ReservationRequest REQUEST = new ReservationRequest("req-1", "m", 100L, 50L);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void unreachableSessionServiceFailsClosed() throws IOException {
        var client = clientFor(URI.create("http://127.0.0.1:" + closedPort()));

        StepVerifier.create(client.reserve("ses_1", "acme", REQUEST))
                .expectError(SessionServiceUnavailableException.class)
                .verify(Duration.ofSeconds(5));

        assertThat(count(SessionBudgetClient.RESERVATIONS, "outcome", "unavailable")).isEqualTo(1);
    }

    @Test
    void aRequestWithoutAnAssertionForSessionServiceFailsClosedWithoutCallingIt() throws IOException {
        var client = clientFor(answering(201, "application/json", "{\"reservation_id\":\"res-1\",\"tokens\":1}"));

        StepVerifier.create(client.reserve("ses_1", null, REQUEST))
                .expectError(SessionServiceUnavailableException.class)
                .verify(Duration.ofSeconds(5));
        assertThat(requests.get()).isZero();
    }

    @Test
    void releaseThatNeverGetsThroughIsCountedAfterItsRetries() throws IOException {
        var client = clientFor(URI.create("http://127.0.0.1:" + closedPort()));

        client.release(new Reservation("res-1", 150, null, null), "acme");

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(count(SessionBudgetClient.FOLLOW_UP_FAILURES, "operation", "release")).isEqualTo(1));
    }

    @Test
    void refusalWithoutAnOpenAiBodyStillTellsBudgetFromContext() throws IOException {
        var client = clientFor(answering(429, "text/plain", "slow down"));

        StepVerifier.create(client.reserve("ses_1", "assertion", REQUEST))
                .expectErrorSatisfies(failure -> assertThat(failure)
                        .isInstanceOfSatisfying(ReservationRefusedException.class, refused -> {
                            assertThat(refused.status()).isEqualTo(429);
                            assertThat(refused.code()).isEqualTo("budget_exceeded");
                            assertThat(refused.type()).isEqualTo("invalid_request_error");
                            assertThat(refused.getMessage()).isNotBlank();
                        }))
                .verify(Duration.ofSeconds(5));
        assertThat(count(SessionBudgetClient.RESERVATIONS, "outcome", "refused_budget")).isEqualTo(1);
    }

    @Test
    void reserveShedForLoadFailsClosedAndReleasesNothing() throws IOException {
        var client = clientFor(answering(503, "application/json",
                "{\"error\":{\"code\":\"session_service_overloaded\"}}"));

        StepVerifier.create(client.reserve("ses_1", "acme", REQUEST))
                .expectError(SessionServiceUnavailableException.class)
                .verify(Duration.ofSeconds(5));

        // Only the reserve reached the service: nothing ran, so nothing is released by request id.
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                .until(() -> requests.get() == 1);
    }

    @Test
    void reserveFailingWith503OtherwiseIsReleasedByRequestId() throws IOException {
        var client = clientFor(answering(503, "application/json",
                "{\"error\":{\"code\":\"session_store_unavailable\"}}"));

        StepVerifier.create(client.reserve("ses_1", "acme", REQUEST))
                .expectError(SessionServiceUnavailableException.class)
                .verify(Duration.ofSeconds(5));

        await().atMost(Duration.ofSeconds(5)).until(() -> requests.get() > 1);
    }

    @Test
    void grantWithoutAReservationIdFailsClosed() throws IOException {
        var client = clientFor(answering(201, "application/json", "{\"tokens\":150}"));

        StepVerifier.create(client.reserve("ses_1", "acme", REQUEST))
                .expectError(SessionServiceUnavailableException.class)
                .verify(Duration.ofSeconds(5));
    }

    private SessionBudgetClient clientFor(URI sessionsUrl) {
        return TestSessionClients.clientFor(sessionsUrl, registry);
    }

    private URI answering(int status, String contentType, String body) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private double count(String name, String tag, String value) {
        Counter counter = registry.find(name).tag(tag, value).counter();
        return counter == null ? 0 : counter.count();
    }

    /** A port nobody listens on (bound, then released). */
    private static int closedPort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
