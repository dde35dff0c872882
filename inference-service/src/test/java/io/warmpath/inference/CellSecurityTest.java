package io.warmpath.inference;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import com.github.benmanes.caffeine.cache.Ticker;
import io.warmpath.assertion.AssertionIssuer;
import io.warmpath.assertion.testing.TestAssertions;
import io.warmpath.contracts.WarmpathHeaders;
import io.warmpath.contracts.assertion.Assertion;
import io.warmpath.contracts.assertion.Audiences;
import io.warmpath.contracts.cells.CellStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.ApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.security.core.userdetails.ReactiveUserDetailsService;
import org.springframework.security.web.server.WebFilterChainProxy;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who may call a cell: only the gateway's assertion for {@code inference-service}, with a tenant for the OpenAI API
 * and the prober's scope for {@code /cell/status}; refusals are OpenAI error JSON, and the actuator answers on its
 * own port without one.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "warmpath.cell.policy-enabled=false",
        "warmpath.cell.id=cell-security",
        "warmpath.cell.cache-salt.secret=test-secret"})
@AutoConfigureWebTestClient(timeout = "30s")
class CellSecurityTest {

    private static final StubEngine engine = new StubEngine();
    private static final String CHAT = """
            {"model":"stub-model","messages":[{"role":"user","content":"Hi"}]}""";

    @Autowired
    private WebTestClient client;

    @Autowired
    private ApplicationContext context;

    @LocalManagementPort
    private int managementPort;

    @DynamicPropertySource
    static void engineUrl(DynamicPropertyRegistry registry) {
        registry.add("warmpath.cell.engine-url", engine::url);
    }

    @BeforeEach
    void resetEngine() {
        engine.reset();
    }

    @AfterAll
    static void stopEngine() {
        engine.close();
    }

    @Test
    void everyEndpointRefusesCallsWithoutAValidAssertionWith401() {
        Assertion acme = TestAssertions.caller(CellCalls.TENANT);
        AssertionIssuer stranger = AssertionIssuer.create(TestAssertions.newKey(), Audiences.GATEWAY_ISSUER,
                Duration.ofMinutes(5), Duration.ZERO);
        AssertionIssuer yesterday = new AssertionIssuer(TestAssertions.shared().signingKey(),
                Audiences.GATEWAY_ISSUER, Duration.ofMinutes(5), Duration.ZERO,
                Clock.fixed(Instant.now().minus(Duration.ofDays(1)), ZoneOffset.UTC), Ticker.systemTicker());
        String valid = TestAssertions.shared().mint(acme, Audiences.INFERENCE);
        Map<String, Consumer<HttpHeaders>> attempts = new LinkedHashMap<>();
        attempts.put("no credentials", headers -> {
        });
        attempts.put("only the old trusted headers", headers -> {
            headers.set(WarmpathHeaders.TENANT, CellCalls.TENANT);
            headers.set(WarmpathHeaders.SUBJECT, "mallory");
        });
        attempts.put("a bearer that is not a JWT", headers -> headers.setBearerAuth("not-a-jwt"));
        attempts.put("an empty bearer", headers -> headers.set(HttpHeaders.AUTHORIZATION, "Bearer "));
        attempts.put("the assertion as Basic credentials", headers -> headers.set(HttpHeaders.AUTHORIZATION,
                "Basic " + valid));
        attempts.put("two bearers", headers -> headers.addAll(HttpHeaders.AUTHORIZATION,
                List.of("Bearer " + valid, "Bearer " + valid)));
        attempts.put("another key", headers -> headers.setBearerAuth(stranger.mint(acme, Audiences.INFERENCE)));
        attempts.put("an expired assertion", headers -> headers.setBearerAuth(yesterday.mint(acme,
                Audiences.INFERENCE)));
        attempts.put("an assertion for session-service", headers -> headers.setBearerAuth(
                TestAssertions.shared().mint(acme, Audiences.SESSIONS)));

        for (var attempt : attempts.entrySet()) {
            for (String path : List.of("/v1/chat/completions", "/v1/models", CellStatus.PATH, "/actuator/health",
                    "/no-such-path")) {
                HttpMethod method = path.endsWith("completions") ? HttpMethod.POST : HttpMethod.GET;
                client.method(method).uri(path)
                        .contentType(MediaType.APPLICATION_JSON)
                        .headers(attempt.getValue())
                        .bodyValue(method == HttpMethod.POST ? CHAT : "")
                        .exchange()
                        .expectStatus().isUnauthorized()
                        .expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"")
                        .expectBody()
                        .jsonPath("$.error.code").isEqualTo("invalid_token")
                        .jsonPath("$.error.type").isEqualTo("authentication_error");
            }
        }
        assertThat(engine.receivedCount()).as("requests that reached the engine").isZero();
    }

    @Test
    void theOpenAiApiNeedsAnAssertionThatActsForATenant() {
        Consumer<HttpHeaders> gatewayItself = headers -> headers.setBearerAuth(TestAssertions.shared().mint(
                Assertion.service("warmpath-gateway", List.of("inference:invoke")), Audiences.INFERENCE));

        client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON).headers(gatewayItself)
                .bodyValue(CHAT)
                .exchange()
                .expectStatus().isForbidden()
                .expectBody().jsonPath("$.error.code").isEqualTo("insufficient_scope");
        client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON).headers(CellCalls.caller())
                .bodyValue(CHAT)
                .exchange()
                .expectStatus().isOk();
    }

    @Test
    void statusNeedsTheProbersScope() {
        client.get().uri(CellStatus.PATH).headers(CellCalls.caller()).exchange()
                .expectStatus().isForbidden()
                .expectBody().jsonPath("$.error.code").isEqualTo("insufficient_scope");
        client.get().uri(CellStatus.PATH).headers(CellCalls.prober()).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.cell_id").isEqualTo("cell-security");
    }

    @Test
    void theActuatorAnswersOnItsOwnPortWithoutAnAssertion() {
        CellCalls.management(managementPort).get().uri("/actuator/health/liveness").exchange()
                .expectStatus().isOk();
        CellCalls.management(managementPort).get().uri("/actuator/prometheus").exchange()
                .expectStatus().isOk();
    }

    @Test
    void noSpringSecurityFilterChainOrGeneratedPasswordIsConfigured() {
        assertThat(context.getBeanNamesForType(WebFilterChainProxy.class)).isEmpty();
        assertThat(context.getBeanNamesForType(ReactiveUserDetailsService.class)).isEmpty();
    }
}
