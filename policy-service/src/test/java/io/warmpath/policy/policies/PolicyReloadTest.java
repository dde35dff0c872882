package io.warmpath.policy.policies;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import io.micrometer.core.instrument.MeterRegistry;
import io.warmpath.policy.DecisionRequests;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.client.RestTestClient;

import static io.warmpath.policy.DecisionRequests.batch;
import static io.warmpath.policy.DecisionRequests.principal;
import static io.warmpath.policy.DecisionRequests.request;
import static io.warmpath.policy.DecisionRequests.resource;
import static org.assertj.core.api.Assertions.assertThat;

/** Policies from a watched directory: changes apply without a restart; a bad change keeps the last good set. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "warmpath.policy.reload-interval=100ms")
@AutoConfigureRestTestClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PolicyReloadTest {

    private static final Path DIRECTORY = PolicyDirectories.withDefaults();
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    private static final String EGRESS_TO_EXAMPLE = """
            @id("egress-example")
            @reason("example.com is an allowed upstream")
            permit (principal, action == Action::"egress", resource is Url)
            when { resource.host == "api.example.com" && resource.scheme == "https" };
            """;

    @Autowired
    RestTestClient client;

    @LocalManagementPort
    int managementPort;

    @BeforeEach
    void authenticate() {
        client = client.mutate().defaultHeader(HttpHeaders.AUTHORIZATION, DecisionRequests.bearer("acme")).build();
    }

    @Autowired
    PolicyStore store;

    @Autowired
    MeterRegistry meters;

    @DynamicPropertySource
    static void directory(DynamicPropertyRegistry registry) {
        registry.add("warmpath.policy.directory", DIRECTORY::toString);
    }

    @Test
    @Order(1)
    void reloadPicksUpANewPolicy() {
        assertThat(egressDecision()).isEqualTo("deny");

        PolicyDirectories.write(DIRECTORY, "egress.cedar", EGRESS_TO_EXAMPLE);

        awaitTrue(() -> "allow".equals(egressDecision()));
        assertThat(store.current().reasonOf("egress-example")).isEqualTo("example.com is an allowed upstream");
        assertThat(meters.counter("warmpath.policy.reloads", "result", "applied").count()).isGreaterThanOrEqualTo(1);
    }

    @Test
    @Order(2)
    void invalidUpdateKeepsTheLastGoodSetAndIsReported() {
        String goodVersion = store.current().version();
        double rejectedBefore = meters.counter("warmpath.policy.reloads", "result", "rejected").count();

        // Valid Cedar syntax, but the schema has no such attribute: strict validation must refuse it.
        PolicyDirectories.write(DIRECTORY, "egress.cedar",
                EGRESS_TO_EXAMPLE.replace("resource.host", "resource.hostname"));

        awaitTrue(() -> store.lastRejection() != null);
        assertThat(store.current().version()).isEqualTo(goodVersion);
        assertThat(egressDecision()).isEqualTo("allow");
        assertThat(meters.counter("warmpath.policy.reloads", "result", "rejected").count())
                .isEqualTo(rejectedBefore + 1);
        assertThat(store.lastRejection().problems()).anySatisfy(problem -> assertThat(problem)
                .contains("egress-example").contains("hostname"));
        DecisionRequests.actuator(managementPort).get().uri("/actuator/health").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.components.policies.status").isEqualTo("UP")
                .jsonPath("$.components.policies.details.version").isEqualTo(goodVersion)
                .jsonPath("$.components.policies.details.lastRejectedUpdate.problems[0]").exists();

        PolicyDirectories.write(DIRECTORY, "egress.cedar", "");

        awaitTrue(() -> store.lastRejection() == null);
        assertThat(egressDecision()).isEqualTo("deny");
    }

    @Test
    @Order(3)
    void brokenEntityDataIsRefusedToo() {
        String goodVersion = store.current().version();

        PolicyDirectories.write(DIRECTORY, "tenants.json", """
                [{"uid": {"type": "Tenant", "id": "dev"}, "attrs": {"regulated_regions": "local"}, "parents": []}]
                """);

        awaitTrue(() -> store.lastRejection() != null);
        assertThat(store.current().version()).isEqualTo(goodVersion);
        assertThat(store.lastRejection().problems()).anySatisfy(problem -> assertThat(problem).contains("entities"));
    }

    private String egressDecision() {
        Map<?, ?> body = client.post().uri("/v1/decisions").contentType(MediaType.APPLICATION_JSON)
                .body(batch(request(principal("acme", List.of(), null), "egress",
                        resource("Url", "https://api.example.com/v1/search", null, null), Map.of())))
                .exchange()
                .expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
        return (String) ((Map<?, ?>) ((List<?>) body.get("decisions")).getFirst()).get("decision");
    }

    private static void awaitTrue(BooleanSupplier condition) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met within %s", PATIENCE).isLessThan(deadline);
            try {
                Thread.sleep(50);
            }
            catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw new AssertionError(interrupted);
            }
        }
    }
}
