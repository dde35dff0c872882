package io.warmpath.session.web;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.micrometer.core.instrument.MeterRegistry;
import io.warmpath.session.SessionServiceTest;
import io.warmpath.session.TestRedis;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.client.RestTestClient.ResponseSpec;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One tenant's flood is shed while other tenants' calls are still admitted, over real HTTP. Redis pauses write
 * commands (every script call is one), so the admitted calls stay in flight until it resumes.
 */
class LoadSheddingApiTest extends SessionServiceTest {

    @Autowired
    MeterRegistry meters;

    // Dynamic, so that they take precedence over the shared context's properties (and make a context of their own).
    @DynamicPropertySource
    static void smallLimits(DynamicPropertyRegistry registry) {
        registry.add("warmpath.session.max-concurrent-requests", () -> 3);
        registry.add("warmpath.session.max-concurrent-requests-per-tenant", () -> 2);
        // The paused calls wait for Redis rather than time out while the test looks at them.
        registry.add("spring.data.redis.timeout", () -> "30s");
    }

    @Test
    void aFloodingTenantIsShedWhileAnotherIsAdmittedUntilTheServiceIsFull() throws Exception {
        String flooding = "flooding-" + tenant;
        String quiet = "quiet-" + tenant;
        double shedForTenant = shed("tenant");
        double shedForAll = shed("global");
        List<Future<Integer>> admitted = new ArrayList<>();
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            redis("CLIENT", "PAUSE", "30000", "WRITE");
            try {
                admitted.add(callers.submit(() -> status(resolveFor(flooding, "a"))));
                admitted.add(callers.submit(() -> status(resolveFor(flooding, "b"))));
                awaitInFlight(2);

                resolveFor(flooding, "c").expectStatus().isEqualTo(503)
                        .expectHeader().valueEquals("Retry-After", "1")
                        .expectBody().jsonPath("$.error.code").isEqualTo("session_service_overloaded")
                        .jsonPath("$.error.message").value(message -> assertThat((String) message)
                                .contains("for this tenant"));

                admitted.add(callers.submit(() -> status(resolveFor(quiet, "a"))));
                awaitInFlight(3);

                // Now the whole service is at its limit: the quiet tenant, below its own share, is shed too.
                resolveFor(quiet, "b").expectStatus().isEqualTo(503)
                        .expectBody().jsonPath("$.error.code").isEqualTo("session_service_overloaded");
            } finally {
                redis("CLIENT", "UNPAUSE");
            }
            for (Future<Integer> call : admitted) {
                assertThat(call.get()).isEqualTo(200);
            }
        }
        assertThat(shed("tenant") - shedForTenant).isEqualTo(1);
        assertThat(shed("global") - shedForAll).isEqualTo(1);
        resolveFor(flooding, "d").expectStatus().isOk();
    }

    private ResponseSpec resolveFor(String caller, String affinity) {
        return post(caller, "/internal/resolve", Map.of("affinity", affinity));
    }

    private static int status(ResponseSpec response) {
        return response.returnResult().getStatus().value();
    }

    private void awaitInFlight(int requests) throws InterruptedException {
        for (int i = 0; i < 200 && inFlight() < requests; i++) {
            Thread.sleep(50);
        }
        assertThat(inFlight()).as("requests in flight").isEqualTo(requests);
    }

    private double inFlight() {
        return meters.get(ConcurrencyLimit.IN_FLIGHT).gauge().value();
    }

    private double shed(String scope) {
        return meters.get(ConcurrencyLimit.SHED).tag("scope", scope).counter().count();
    }

    /**
     * A command to every server that takes writes, each on a connection of its own: the service's connections are
     * stuck behind the paused scripts.
     */
    private static void redis(String... command) throws IOException {
        StringBuilder request = new StringBuilder("*" + command.length + "\r\n");
        for (String part : command) {
            request.append('$').append(part.length()).append("\r\n").append(part).append("\r\n");
        }
        for (int port : TestRedis.writablePorts()) {
            send(port, request.toString(), String.join(" ", command));
        }
    }

    private static void send(int port, String request, String command) throws IOException {
        try (Socket socket = new Socket(TestRedis.host(), port)) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String reply = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            assertThat(reply).as(command).isEqualTo("+OK");
        }
    }
}
