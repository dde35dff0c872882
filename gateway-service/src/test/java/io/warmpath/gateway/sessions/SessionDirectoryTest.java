package io.warmpath.gateway.sessions;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.warmpath.assertion.testing.TestAssertions;
import io.warmpath.contracts.sessions.ResolvedSession;
import io.warmpath.contracts.testing.MutableClock;
import io.warmpath.contracts.testing.StubSessionService;
import io.warmpath.gateway.assertions.GatewayAssertions;
import io.warmpath.gateway.security.Caller;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import static org.assertj.core.api.Assertions.assertThat;

class SessionDirectoryTest {

    private static final StubSessionService SERVICE = StubSessionService.start();
    private static final Caller ACME = Caller.of("acme", "agent-1");

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final SessionDirectory directory = directory(SERVICE.url(), meters);

    @AfterAll
    static void stopService() {
        SERVICE.stop();
    }

    @Test
    void resolvedTokenIsReusedFromTheNearCache() {
        String token = SERVICE.createTokenSession("acme", "code-review");
        int callsBefore = SERVICE.resolveCalls(token);

        Resolution first = directory.resolve(ACME, token, "code-review").block();
        Resolution second = directory.resolve(ACME, token, null).block();

        assertThat(first).isInstanceOfSatisfying(Resolution.Found.class, found -> {
            assertThat(found.session().sessionId()).isEqualTo(SERVICE.sessionIdOfToken(token));
            assertThat(found.session().implicit()).isFalse();
            assertThat(found.session().binding()).isNull();
        });
        assertThat(second).isEqualTo(first);
        assertThat(SERVICE.resolveCalls(token)).isEqualTo(callsBefore + 1);
        assertThat(resolutions("resolved")).isEqualTo(1.0);
        assertThat(resolutions("cached")).isEqualTo(1.0);
    }

    @Test
    void resolutionPastItsTtlAnswersAtOnceAndIsRefreshedInTheBackground() {
        MutableClock clock = new MutableClock();
        SessionDirectory shortLived = directory(SERVICE.url(), meters, Duration.ofMillis(50), Duration.ofSeconds(30),
                clock);
        String token = SERVICE.createTokenSession("acme", "code-review");
        shortLived.resolve(ACME, token, null).block();
        int callsBefore = SERVICE.resolveCalls(token);
        clock.advance(Duration.ofMillis(100));

        SERVICE.delay(300);
        try {
            long start = System.nanoTime();
            Resolution stale = shortLived.resolve(ACME, token, null).block();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("not waiting for session-service")
                    .isLessThan(Duration.ofMillis(250));
            assertThat(stale).isInstanceOf(Resolution.Found.class);
            assertThat(resolutions("stale")).isEqualTo(1.0);
            awaitUntil(() -> SERVICE.resolveCalls(token) == callsBefore + 1, "refreshed in the background");
        } finally {
            SERVICE.delay(0);
        }
        awaitUntil(() -> {
            shortLived.resolve(ACME, token, null).block();
            return resolutions("cached") >= 1.0;
        }, "fresh again after the refresh");
    }

    @Test
    void refreshDropsATokenTheServiceNoLongerKnows() {
        MutableClock clock = new MutableClock();
        SessionDirectory shortLived = directory(SERVICE.url(), meters, Duration.ofMillis(50), Duration.ofSeconds(30),
                clock);
        String token = SERVICE.createTokenSession("acme", "code-review");
        shortLived.resolve(ACME, token, null).block();
        SERVICE.revoke(token);
        clock.advance(Duration.ofMillis(100));

        assertThat(shortLived.resolve(ACME, token, null).block()).as("one more turn from the near cache")
                .isInstanceOf(Resolution.Found.class);
        awaitUntil(() -> shortLived.resolve(ACME, token, null).block() instanceof Resolution.NotFound,
                "revocation seen after the refresh");
    }

    @Test
    void withoutStalenessATurnPastTheTtlWaitsForTheService() {
        MutableClock clock = new MutableClock();
        SessionDirectory strict = directory(SERVICE.url(), meters, Duration.ofMillis(50), Duration.ZERO, clock);
        String token = SERVICE.createTokenSession("acme", "code-review");
        strict.resolve(ACME, token, null).block();
        SERVICE.revoke(token);
        clock.advance(Duration.ofMillis(100));

        assertThat(strict.resolve(ACME, token, null).block()).isInstanceOf(Resolution.NotFound.class);
        assertThat(resolutions("stale")).isZero();
    }

    @Test
    void forgottenSessionIsResolvedAgainAndOnlyForItsTenant() {
        String token = SERVICE.createTokenSession("acme", "code-review");
        ResolvedSession session = found(directory.resolve(ACME, token, null).block());
        String otherToken = SERVICE.createTokenSession("acme", "code-review");
        directory.resolve(ACME, otherToken, null).block();
        SERVICE.revoke(token);

        directory.forget("globex", session.sessionId());
        assertThat(directory.resolve(ACME, token, null).block()).as("another tenant forgets nothing of acme's")
                .isInstanceOf(Resolution.Found.class);

        directory.forget("acme", session.sessionId());
        int forgottenBefore = SERVICE.resolveCalls(token);
        int otherBefore = SERVICE.resolveCalls(otherToken);
        assertThat(directory.resolve(ACME, token, null).block()).isInstanceOf(Resolution.NotFound.class);
        assertThat(directory.resolve(ACME, otherToken, null).block()).isInstanceOf(Resolution.Found.class);
        assertThat(SERVICE.resolveCalls(token)).as("the forgotten session asked again")
                .isEqualTo(forgottenBefore + 1);
        assertThat(SERVICE.resolveCalls(otherToken)).as("the other one not").isEqualTo(otherBefore);
    }

    @Test
    void concurrentTurnsOfOneSessionShareOneResolution() {
        String token = SERVICE.createTokenSession("acme", "code-review");
        int callsBefore = SERVICE.resolveCalls(token);
        SERVICE.delay(100);
        try {
            List<Resolution> answers = Flux.range(0, 20)
                    .flatMap(turn -> directory.resolve(ACME, token, null))
                    .collectList()
                    .block();
            assertThat(answers).hasSize(20).allSatisfy(answer -> assertThat(answer).isInstanceOf(Resolution.Found.class));
        } finally {
            SERVICE.delay(0);
        }
        assertThat(SERVICE.resolveCalls(token) - callsBefore).isEqualTo(1);
    }

    @Test
    void unknownTokenAndAnotherTenantsTokenAreNotFound() {
        String globexToken = SERVICE.createTokenSession("globex", "code-review");

        assertThat(directory.resolve(ACME, "wpt_no-such-token", null).block()).isInstanceOf(Resolution.NotFound.class);
        assertThat(directory.resolve(ACME, globexToken, null).block()).isInstanceOf(Resolution.NotFound.class);
    }

    @Test
    void otherWorkflowIsAMismatchFromTheServiceAndFromTheNearCache() {
        String token = SERVICE.createTokenSession("acme", "code-review");

        assertThat(directory.resolve(ACME, token, "billing").block()).isInstanceOf(Resolution.WorkflowMismatch.class);
        assertThat(directory.resolve(ACME, token, "code-review").block()).isInstanceOf(Resolution.Found.class);
        int callsBefore = SERVICE.resolveCalls(token);
        assertThat(directory.resolve(ACME, token, "billing").block()).isInstanceOf(Resolution.WorkflowMismatch.class);
        assertThat(SERVICE.resolveCalls(token)).as("answered from the near cache").isEqualTo(callsBefore);
    }

    @Test
    void anImplicitSessionOpensWithItsFirstTurnsWorkflowAndHoldsLaterTurnsToIt() {
        String affinity = "triage-" + System.nanoTime();

        assertThat(directory.resolve(ACME, affinity, "triage").block()).isInstanceOfSatisfying(Resolution.Found.class,
                found -> assertThat(found.session().workflow()).isEqualTo("triage"));
        // A gateway that never saw the session, asked first for another workflow: refused, and the session is cached.
        SessionDirectory another = directory(SERVICE.url(), new SimpleMeterRegistry());
        assertThat(another.resolve(ACME, affinity, "billing").block()).isInstanceOf(Resolution.WorkflowMismatch.class);
        assertThat(another.resolve(ACME, affinity, "triage").block()).isInstanceOf(Resolution.Found.class);
        assertThat(another.resolve(ACME, affinity, null).block()).isInstanceOf(Resolution.Found.class);
    }

    @Test
    void storedBindingReachesTheServiceAndTheNearCacheWithItsEpoch() {
        ResolvedSession session = found(directory.resolve(ACME, "implicit-bind-1", null).block());
        int callsBefore = SERVICE.resolveCalls("implicit-bind-1");

        directory.storeBinding(ACME, "implicit-bind-1", session, "cell-2", "kimi-k2.5", "new");
        awaitUntil(() -> SERVICE.epoch(session.sessionId()) == 1, "binding stored");
        awaitUntil(() -> writes("stored") == 1.0, "write counted");

        StubSessionService.BindingPut put = SERVICE.bindingPuts(session.sessionId()).getFirst();
        assertThat(put.cellId()).isEqualTo("cell-2");
        assertThat(put.reason()).isEqualTo("new");
        assertThat(put.expectedEpoch()).as("no binding yet: epoch 0").isZero();
        assertThat(put.tenant()).isEqualTo("acme");
        ResolvedSession cached = found(directory.resolve(ACME, "implicit-bind-1", null).block());
        assertThat(cached.binding().cellId()).isEqualTo("cell-2");
        assertThat(cached.binding().model()).isEqualTo("kimi-k2.5");
        assertThat(cached.binding().epoch()).isEqualTo(1);
        assertThat(cached.binding().promptTokensHeld()).isZero();
        assertThat(SERVICE.resolveCalls("implicit-bind-1")).isEqualTo(callsBefore);
    }

    @Test
    void aTurnItsBoundCellAnsweredMakesTheNearCacheHoldAboutItsPrompt() {
        ResolvedSession session = found(directory.resolve(ACME, "implicit-served-1", null).block());
        directory.storeBinding(ACME, "implicit-served-1", session, "cell-2", "kimi-k2.5", "new");
        awaitUntil(() -> SERVICE.epoch(session.sessionId()) == 1, "binding stored");
        awaitUntil(() -> writes("stored") == 1.0, "write counted");

        directory.served(ACME, "implicit-served-1", "cell-2", "kimi-k2.5", 1_500);
        directory.served(ACME, "implicit-served-1", "cell-2", "kimi-k2.5", 900);
        directory.served(ACME, "implicit-served-1", "cell-3", "llama-3.1-8b-instruct", 5_000);

        ResolvedSession cached = found(directory.resolve(ACME, "implicit-served-1", null).block());
        assertThat(cached.binding().cellId()).isEqualTo("cell-2");
        assertThat(cached.binding().promptTokensHeld()).as("an estimate never lowers it; another cell's says nothing")
                .isEqualTo(1_500);
        assertThat(directory.heldPromptsByModel(ACME, "implicit-served-1")).as("the latest turn on each model")
                .isEqualTo(Map.of("kimi-k2.5", 900L, "llama-3.1-8b-instruct", 5_000L));
    }

    @Test
    void rebindWithAStaleEpochConflictsAndTheNextTurnAsksTheServiceAgain() {
        SessionDirectory otherGateway = directory(SERVICE.url(), new SimpleMeterRegistry());
        ResolvedSession unbound = found(directory.resolve(ACME, "implicit-race", null).block());
        directory.storeBinding(ACME, "implicit-race", unbound, "cell-1", "kimi-k2.5", "new");
        awaitUntil(() -> SERVICE.epoch(unbound.sessionId()) == 1, "first binding stored");
        awaitUntil(() -> found(directory.resolve(ACME, "implicit-race", null).block()).binding().epoch() == 1,
                "epoch in the near cache");
        ResolvedSession seenByOther = found(otherGateway.resolve(ACME, "implicit-race", null).block());
        otherGateway.storeBinding(ACME, "implicit-race", seenByOther, "cell-3", "kimi-k2.5", "rebind_unhealthy");
        awaitUntil(() -> SERVICE.epoch(unbound.sessionId()) == 2, "other gateway's rebind stored");

        ResolvedSession stale = found(directory.resolve(ACME, "implicit-race", null).block());
        directory.storeBinding(ACME, "implicit-race", stale, "cell-2", "kimi-k2.5", "rebind_slow");
        awaitUntil(() -> writes("conflict") == 1.0, "conflict counted");

        assertThat(SERVICE.boundCell(unbound.sessionId())).isEqualTo("cell-3");
        int callsBefore = SERVICE.resolveCalls("implicit-race");
        ResolvedSession fresh = found(directory.resolve(ACME, "implicit-race", null).block());
        assertThat(SERVICE.resolveCalls("implicit-race")).isEqualTo(callsBefore + 1);
        assertThat(fresh.binding().cellId()).isEqualTo("cell-3");
        assertThat(fresh.binding().epoch()).isEqualTo(2);
    }

    @Test
    void concurrentFirstBindingsConflictInsteadOfOverwritingEachOther() {
        SessionDirectory otherGateway = directory(SERVICE.url(), new SimpleMeterRegistry());
        ResolvedSession seenHere = found(directory.resolve(ACME, "implicit-first-race", null).block());
        ResolvedSession seenThere = found(otherGateway.resolve(ACME, "implicit-first-race", null).block());

        directory.storeBinding(ACME, "implicit-first-race", seenHere, "cell-1", "kimi-k2.5", "new");
        awaitUntil(() -> SERVICE.epoch(seenHere.sessionId()) == 1, "first binding stored");
        otherGateway.storeBinding(ACME, "implicit-first-race", seenThere, "cell-2", "kimi-k2.5", "new");
        awaitUntil(() -> SERVICE.bindingPuts(seenHere.sessionId()).size() == 2, "second write sent");

        assertThat(SERVICE.bindingPuts(seenHere.sessionId())).extracting(StubSessionService.BindingPut::expectedEpoch)
                .containsExactly(0L, 0L);
        assertThat(SERVICE.boundCell(seenHere.sessionId())).as("the first writer keeps the session").isEqualTo("cell-1");
        assertThat(SERVICE.epoch(seenHere.sessionId())).isEqualTo(1);
    }

    @Test
    void sessionServiceRefusingTheGatewaysHeadersIsRefusedNotUnavailable() {
        SERVICE.refuseResolutions(true);
        try {
            assertThat(directory.resolve(ACME, "implicit-refused", null).block()).isInstanceOf(Resolution.Refused.class);
        } finally {
            SERVICE.refuseResolutions(false);
        }
        assertThat(resolutions("refused")).isEqualTo(1.0);
    }

    @Test
    void unreachableServiceIsUnavailable() {
        SessionDirectory nowhere = directory("http://127.0.0.1:" + StubPorts.closedPort(), meters);

        assertThat(nowhere.resolve(ACME, "implicit-down", null).block()).isInstanceOf(Resolution.Unavailable.class);
        assertThat(resolutions("unavailable")).isEqualTo(1.0);
    }

    @Test
    void slowServiceTimesOutQuickly() {
        StubSessionService slow = StubSessionService.start();
        slow.delay(5_000);
        try {
            long start = System.nanoTime();
            Resolution resolution = directory(slow.url(), meters).resolve(ACME, "implicit-slow", null).block();

            assertThat(resolution).isInstanceOf(Resolution.Unavailable.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        } finally {
            slow.stop();
        }
    }

    @Test
    void valueTheServiceFailedToResolveIsNotAskedAgainUntilRetryAfter() {
        StubSessionService slow = StubSessionService.start();
        slow.delay(5_000);
        try {
            SessionDirectory directory = directory(slow.url(), meters);
            assertThat(directory.resolve(ACME, "implicit-overloaded", null).block())
                    .isInstanceOf(Resolution.Unavailable.class);

            long start = System.nanoTime();
            Resolution again = directory.resolve(ACME, "implicit-overloaded", null).block();

            assertThat(again).isInstanceOf(Resolution.Unavailable.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("answered without waiting for the timeout")
                    .isLessThan(Duration.ofMillis(500));
            assertThat(resolutions("unavailable")).isEqualTo(2.0);
        } finally {
            slow.stop();
        }
    }

    @Test
    void sheddingForLoadIsUnavailableButTheNextTurnAsksAgain() {
        SERVICE.overloaded(true);
        try {
            assertThat(directory.resolve(ACME, "implicit-shed", null).block())
                    .isInstanceOfSatisfying(Resolution.Unavailable.class, unavailable ->
                            assertThat(unavailable.overloaded()).isTrue());
        } finally {
            SERVICE.overloaded(false);
        }

        assertThat(directory.resolve(ACME, "implicit-shed", null).block()).isInstanceOf(Resolution.Found.class);
    }

    private double resolutions(String outcome) {
        var timer = meters.find("warmpath.gateway.sessions.resolutions").tag("outcome", outcome).timer();
        return timer == null ? 0 : timer.count();
    }

    private double writes(String result) {
        var counter = meters.find("warmpath.gateway.binding.writes").tag("result", result).counter();
        return counter == null ? 0 : counter.count();
    }

    private static ResolvedSession found(Resolution resolution) {
        assertThat(resolution).isInstanceOf(Resolution.Found.class);
        return ((Resolution.Found) resolution).session();
    }

    private static SessionDirectory directory(String url, SimpleMeterRegistry meters) {
        SessionProperties properties = properties(url, Duration.ofSeconds(30), Duration.ofSeconds(30));
        SessionsConfiguration configuration = new SessionsConfiguration();
        return configuration.sessionDirectory(configuration.sessionServiceApi(properties), properties,
                new GatewayAssertions(TestAssertions.shared().issuer()), Ticker.systemTicker(), meters);
    }

    private static SessionDirectory directory(String url, SimpleMeterRegistry meters, Duration ttl,
            Duration maxStale, MutableClock clock) {
        SessionProperties properties = properties(url, ttl, maxStale);
        SessionClient client = new SessionClient(new SessionsConfiguration().sessionServiceApi(properties),
                new GatewayAssertions(TestAssertions.shared().issuer()), properties.timeout());
        return new SessionDirectory(client, ttl, maxStale, 1_000, properties.retryAfter(), clock::nanos, meters);
    }

    private static SessionProperties properties(String url, Duration ttl, Duration maxStale) {
        return new SessionProperties(java.net.URI.create(url), Duration.ofSeconds(1), ttl, maxStale, 1_000,
                Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofHours(24), "regulated");
    }

    private static void awaitUntil(BooleanSupplier condition, String description) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(description).isLessThan(deadline);
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
    }
}
