package io.warmpath.policy;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.warmpath.policy.client.Decision;
import io.warmpath.policy.client.Decision.Outcome;
import io.warmpath.assertion.testing.TestAssertions;
import io.warmpath.contracts.DataClass;
import io.warmpath.contracts.assertion.Audiences;
import io.warmpath.contracts.policy.DecisionRequest;
import io.warmpath.contracts.policy.Principal;
import io.warmpath.contracts.policy.Resource;
import io.warmpath.policy.client.PolicyClient;
import io.warmpath.policy.client.PolicyClientSettings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/** The real policy-client against the real service, in process: the wire format agrees both ways. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PolicyClientIntegrationTest {

    private static final Principal REGULATED_DEV = new Principal("alice", "dev", List.of(), "local", "regulated");

    @LocalServerPort
    int port;

    private PolicyClient client;

    @BeforeEach
    void connect() {
        // A generous deadline: the first calls of a fresh JVM are slow, and this test is about the wire format.
        client = PolicyClient.create(new PolicyClientSettings(URI.create("http://127.0.0.1:" + port),
                Duration.ofSeconds(5), Duration.ofSeconds(5), 100), new SimpleMeterRegistry(),
                principal -> TestAssertions.shared().mint(TestAssertions.caller(principal.tenant()), Audiences.POLICY));
    }

    @Test
    void regionalDecisionsComeBackInOrder() {
        List<Decision> decisions = client.decide(List.of(
                new DecisionRequest(REGULATED_DEV, "infer", Resource.cell("cell-1", "local", DataClass.REGULATED)),
                new DecisionRequest(REGULATED_DEV, "infer", Resource.cell("cell-2", "eu-west", DataClass.REGULATED)),
                new DecisionRequest(REGULATED_DEV, "infer", Resource.cell("cell-3", "eu-west", DataClass.INTERNAL))))
                .block();

        assertThat(decisions).extracting(Decision::outcome)
                .containsExactly(Outcome.ALLOW, Outcome.DENIED, Outcome.ALLOW);
        assertThat(decisions.get(0).policies()).containsExactly("regulated-data");
        assertThat(decisions.get(1).policies()).containsExactly("regulated-outside-tenant-regions");
        assertThat(decisions.get(1).reason()).contains("regions its tenant allows");
    }

    @Test
    void contextFactsReachThePolicies() {
        Decision pinnedElsewhere = client.decide(new DecisionRequest(REGULATED_DEV, "infer",
                Resource.cell("cell-1", "local", DataClass.INTERNAL), java.util.Map.of("data_region", "eu-west"))).block();

        assertThat(pinnedElsewhere.outcome()).isEqualTo(Outcome.DENIED);
        assertThat(pinnedElsewhere.policies()).containsExactly("data-region-pinned");
    }

    @Test
    void aRequestTheServiceRejectsIsADenyWithCauseRejected() {
        Decision decision = client.decide(new DecisionRequest(REGULATED_DEV, "infer",
                new Resource("Planet", "mars", null, null))).block();

        assertThat(decision.allowed()).isFalse();
        assertThat(decision.outcome()).isEqualTo(Outcome.REJECTED);
    }
}
