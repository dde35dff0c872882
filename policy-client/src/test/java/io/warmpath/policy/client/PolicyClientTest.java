package io.warmpath.policy.client;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.warmpath.contracts.DataClass;
import io.warmpath.contracts.policy.DecisionRequest;
import io.warmpath.contracts.policy.Principal;
import io.warmpath.contracts.policy.Resource;
import io.warmpath.contracts.testing.StubPolicyService;
import io.warmpath.policy.client.Decision.Outcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import static org.assertj.core.api.Assertions.assertThat;

class PolicyClientTest {

    // Generous for a busy CI machine; the slow-service test waits far longer than this.
    private static final Duration DEADLINE = Duration.ofSeconds(1);
    private static final Duration ALLOW_TTL = Duration.ofSeconds(5);
    private static final PolicyCredentials ASSERTION_PER_TENANT = principal -> "assertion-of-" + principal.tenant();

    private static final DecisionRequest EU_REGULATED = new DecisionRequest(
            new Principal("alice", "acme", List.of("data:regulated"), "eu-west", "regulated"), "infer",
            Resource.cell("cell-1", "eu-west", DataClass.REGULATED), Map.of("attempt", 1));
    private static final DecisionRequest US_INTERNAL = new DecisionRequest(
            new Principal("alice", "acme", List.of(), null, null), "infer",
            Resource.cell("cell-2", "us-east", DataClass.INTERNAL));
    private static final DecisionRequest OTHER_TENANT = new DecisionRequest(
            new Principal("bob", "beta", List.of(), null, null), "infer",
            Resource.cell("cell-2", "us-east", DataClass.INTERNAL));

    private final AtomicLong nanos = new AtomicLong();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private StubPolicyService policyService;
    private PolicyClient client;

    /** The first call of a JVM loads Netty and the codecs, which takes longer than a deadline meant for a warm client. */
    @BeforeAll
    static void warmUp() {
        try (StubPolicyService server = StubPolicyService.start()) {
            PolicyClient.create(new PolicyClientSettings(URI.create(server.url()), Duration.ofSeconds(10), ALLOW_TTL,
                    1), new SimpleMeterRegistry(), ASSERTION_PER_TENANT).decide(US_INTERNAL).block();
        }
    }

    @BeforeEach
    void start() {
        policyService = StubPolicyService.start();
        client = clientFor(URI.create(policyService.url()), ASSERTION_PER_TENANT);
    }

    @AfterEach
    void stop() {
        policyService.close();
    }

    @Test
    void sendsTheBatchAsSnakeCaseJson() {
        client.decide(List.of(EU_REGULATED, US_INTERNAL)).block();

        assertThat(policyService.bodies()).singleElement().satisfies(body -> assertThat(body)
                .contains("\"home_region\":\"eu-west\"", "\"data_class\":\"regulated\"", "\"action\":\"infer\"",
                        "\"roles\":[\"data:regulated\"]", "\"context\":{\"attempt\":1}")
                .doesNotContain("homeRegion", "dataClass", "null"));
    }

    @Test
    void eachCallCarriesTheAssertionOfThePrincipalAskedAbout() {
        client.decide(List.of(EU_REGULATED, OTHER_TENANT)).block();

        assertThat(policyService.authorizations())
                .containsExactlyInAnyOrder("Bearer assertion-of-acme", "Bearer assertion-of-beta");
        assertThat(policyService.bodies()).hasSize(2);
    }

    @Test
    void withoutACredentialTheQuestionIsDeniedWithoutAsking() {
        PolicyClient noCredentials = clientFor(URI.create(policyService.url()), principal -> null);

        Decision decision = noCredentials.decide(EU_REGULATED).block();

        assertThat(decision.allowed()).isFalse();
        assertThat(decision.outcome()).isEqualTo(Outcome.ERROR);
        assertThat(policyService.calls()).isZero();
    }

    @Test
    void allowIsServedFromCacheUntilItExpires() {
        Decision first = client.decide(EU_REGULATED).block();
        Decision second = client.decide(EU_REGULATED).block();

        assertThat(first.allowed()).isTrue();
        assertThat(first.policies()).containsExactly("stub-allow");
        assertThat(second).isEqualTo(first);
        assertThat(policyService.bodies()).hasSize(1);
        assertThat(counter("allow", "cache")).isEqualTo(1.0);

        nanos.addAndGet(ALLOW_TTL.toNanos() + 1);
        policyService.allowAll(false);
        Decision afterExpiry = client.decide(EU_REGULATED).block();

        assertThat(afterExpiry.outcome()).isEqualTo(Outcome.DENIED);
        assertThat(policyService.bodies()).hasSize(2);
    }

    @Test
    void aBusyAllowIsRefreshedInTheBackgroundAndAPolicyThatStopsAllowingTakesOver() {
        client.decide(EU_REGULATED).block();
        policyService.allowAll(false);
        nanos.addAndGet(ALLOW_TTL.dividedBy(2).toNanos() + 1);

        assertThat(client.decide(EU_REGULATED).block().allowed()).as("served while it refreshes").isTrue();
        await(() -> policyService.calls() == 2);
        await(() -> !client.decide(EU_REGULATED).block().allowed());
    }

    @Test
    void aRefreshWithoutADecisionKeepsTheAllowUntilItExpiresAndNoLonger() {
        client.decide(EU_REGULATED).block();
        policyService.failWith(503);
        nanos.addAndGet(ALLOW_TTL.dividedBy(2).toNanos() + 1);

        assertThat(client.decide(EU_REGULATED).block().allowed()).isTrue();
        await(() -> policyService.calls() == 2);
        assertThat(client.decide(EU_REGULATED).block().allowed()).as("the refresh failed: kept").isTrue();

        nanos.addAndGet(ALLOW_TTL.toNanos());
        assertThat(client.decide(EU_REGULATED).block().outcome()).isEqualTo(Outcome.UNAVAILABLE);
    }

    @Test
    void concurrentMissesOfTheSameQuestionsShareOneCall() {
        policyService.delay(Duration.ofMillis(200));

        List<Decision> answers = Flux.range(0, 20)
                .flatMap(turn -> client.decide(EU_REGULATED))
                .collectList()
                .block();

        assertThat(answers).hasSize(20).allSatisfy(decision -> assertThat(decision.allowed()).isTrue());
        assertThat(policyService.bodies()).hasSize(1);
    }

    @Test
    void denyIsNeverCached() {
        policyService.allowAll(false);

        Decision first = client.decide(EU_REGULATED).block();
        policyService.allowAll(true);
        Decision second = client.decide(EU_REGULATED).block();

        assertThat(first.outcome()).isEqualTo(Outcome.DENIED);
        assertThat(first.allowed()).isFalse();
        assertThat(second.allowed()).isTrue();
        assertThat(policyService.bodies()).hasSize(2);
        assertThat(counter("deny", "denied")).isEqualTo(1.0);
    }

    @Test
    void batchAsksOnlyForWhatIsNotCachedAndKeepsTheOrder() {
        client.decide(US_INTERNAL).block();
        policyService.allowAll(false);

        List<Decision> decisions = client.decide(List.of(EU_REGULATED, US_INTERNAL)).block();

        assertThat(decisions).extracting(Decision::outcome).containsExactly(Outcome.DENIED, Outcome.ALLOW);
        assertThat(policyService.bodies().get(1)).contains("cell-1").doesNotContain("cell-2");
    }

    @Test
    void errorStatusDenies() {
        policyService.failWith(500);

        Decision decision = client.decide(EU_REGULATED).block();

        assertThat(decision.outcome()).isEqualTo(Outcome.ERROR);
        assertThat(decision.allowed()).isFalse();
        assertThat(decision.reason()).contains("fail closed");
        assertThat(counter("deny", "error")).isEqualTo(1.0);
    }

    @Test
    void aQuestionPolicyServiceRefusesIsRejected() {
        policyService.failWith(400);

        assertThat(client.decide(EU_REGULATED).block().outcome()).isEqualTo(Outcome.REJECTED);
    }

    @Test
    void unavailableStatusDenies() {
        policyService.failWith(503);

        assertThat(client.decide(EU_REGULATED).block().outcome()).isEqualTo(Outcome.UNAVAILABLE);
    }

    @Test
    void answerWithTooFewDecisionsDeniesEveryRequest() {
        policyService.rawAnswer("{\"decisions\":[{\"decision\":\"allow\",\"policies\":[],\"reason\":\"\"}]}");

        List<Decision> decisions = client.decide(List.of(EU_REGULATED, US_INTERNAL)).block();

        assertThat(decisions).extracting(Decision::outcome).containsExactly(Outcome.ERROR, Outcome.ERROR);
    }

    @Test
    void unreadableDecisionDenies() {
        policyService.rawAnswer("{\"decisions\":[{\"decision\":\"ALLOW\"}]}");

        assertThat(client.decide(EU_REGULATED).block().outcome()).isEqualTo(Outcome.ERROR);
    }

    @Test
    void slowServiceDeniesAtTheDeadline() {
        policyService.delay(Duration.ofSeconds(5));

        long started = System.nanoTime();
        Decision decision = client.decide(EU_REGULATED).block();
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        assertThat(decision.outcome()).isEqualTo(Outcome.TIMEOUT);
        assertThat(tookMillis).isLessThan(3_000);
        assertThat(counter("deny", "timeout")).isEqualTo(1.0);
    }

    @Test
    void downServiceDenies() throws Exception {
        PolicyClient toNowhere = clientFor(URI.create("http://127.0.0.1:" + closedPort()), ASSERTION_PER_TENANT);

        List<Decision> decisions = toNowhere.decide(List.of(EU_REGULATED, US_INTERNAL)).block();

        assertThat(decisions).extracting(Decision::outcome).containsOnly(Outcome.UNAVAILABLE);
        assertThat(counter("deny", "unavailable")).isEqualTo(2.0);
    }

    @Test
    void failuresAreNotCached() {
        policyService.failWith(500);
        client.decide(EU_REGULATED).block();
        policyService.failWith(0);

        assertThat(client.decide(EU_REGULATED).block().allowed()).isTrue();
        assertThat(policyService.bodies()).hasSize(2);
    }

    private PolicyClient clientFor(URI url, PolicyCredentials credentials) {
        return new PolicyClient(new PolicyClientSettings(url, DEADLINE, ALLOW_TTL, 100), meters, credentials,
                nanos::get);
    }

    private double counter(String result, String cause) {
        var counter = meters.find(PolicyClient.DECISIONS_METRIC).tags("result", result, "cause", cause).counter();
        return counter == null ? 0 : counter.count();
    }

    /** A loopback port nothing listens on: "the service is down". */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 5 s");
            }
            try {
                Thread.sleep(10);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
