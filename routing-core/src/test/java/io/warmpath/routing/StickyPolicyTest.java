package io.warmpath.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StickyPolicyTest {

    private final StickyPolicy sticky = RoutingPolicies.sticky();
    private final RoutingPolicy boundedLoad = RoutingPolicies.boundedLoad();
    private final CellPool pool = CellPool.of(ConsistentHashPolicyTest.cells(4));

    @Test
    void sessionWithoutBindingGoesWhereBoundedLoadSendsItsKey() {
        int[] load = {3, 0, 1, 2};
        for (int s = 0; s < 100; s++) {
            PickRequest request = PickRequest.of("s:4:acme:new-" + s, i -> load[i]).withSession(null, 8_000);

            StickyDecision decision = sticky.decide(pool, request);

            assertThat(decision.cell()).isEqualTo(boundedLoad.pick(pool, request));
            assertThat(decision.reason()).isEqualTo(StickyDecision.Reason.NEW);
            assertThat(decision.outcome()).isEqualTo(StickyDecision.Outcome.NEW);
            assertThat(decision.bindingChanged()).isTrue();
            assertThat(decision.predictedCachedTokens()).isZero();
        }
    }

    @Test
    void healthyBoundCellWinsOverTheRingAndOverALighterCell() {
        int[] load = {0, 0, 0, 0};
        load[2] = 3;
        for (int s = 0; s < 50; s++) {
            String key = "s:4:acme:bound-" + s;
            // Bound to cell-2 although the ring would place most of these keys elsewhere, and cell-2 is the busiest.
            PickRequest request = PickRequest.of(key, i -> load[i]).withSession(new SessionBinding("cell-2", 20_000), 20_500);

            StickyDecision decision = sticky.decide(pool, request);

            assertThat(decision.cell()).hasValue(2);
            assertThat(decision.reason()).isEqualTo(StickyDecision.Reason.BOUND);
            assertThat(decision.outcome()).isEqualTo(StickyDecision.Outcome.HIT);
            assertThat(decision.bindingChanged()).isFalse();
            assertThat(decision.predictedCachedTokens()).isEqualTo(20_000);
        }
    }

    @Test
    void excludedBoundCellRebindsToBoundedLoadsChoiceAsUnhealthy() {
        String key = "s:4:acme:sick";
        BitSet excluded = new BitSet();
        excluded.set(1);
        int[] load = {2, 0, 0, 1};
        PickRequest request = new PickRequest(key, i -> load[i], excluded).withSession(new SessionBinding("cell-1", 5_000), 6_000);

        StickyDecision decision = sticky.decide(pool, request);

        assertThat(decision.reason()).isEqualTo(StickyDecision.Reason.UNHEALTHY);
        assertThat(decision.reason().tag()).isEqualTo("rebind_unhealthy");
        assertThat(decision.outcome()).isEqualTo(StickyDecision.Outcome.REBIND);
        assertThat(decision.cell()).isEqualTo(boundedLoad.pick(pool, request));
        assertThat(decision.cell().orElseThrow()).isNotEqualTo(1);
        assertThat(decision.predictedCachedTokens()).isZero();
    }

    @Test
    void boundCellMissingFromThePoolRebindsAsGone() {
        PickRequest request = PickRequest.of("s:4:acme:orphan").withSession(new SessionBinding("cell-9", 5_000), 6_000);

        StickyDecision decision = sticky.decide(pool, request);

        assertThat(decision.reason()).isEqualTo(StickyDecision.Reason.GONE);
        assertThat(decision.reason().tag()).isEqualTo("rebind_gone");
        assertThat(decision.cell()).isEqualTo(boundedLoad.pick(pool, request));
    }

    @Test
    void boundCellFarSlowerThanAnAlternativeRebindsAsSlow() {
        // 2,000 tokens of context: a cold prefill costs about 333 ms, while 30 requests queued ahead cost about 3 s.
        int[] load = {0, 0, 0, 0};
        load[3] = 30;
        PickRequest request = PickRequest.of("s:4:acme:queued", i -> load[i])
                .withSession(new SessionBinding("cell-3", 1_800), 2_000);

        StickyDecision decision = sticky.decide(pool, request);

        assertThat(decision.reason()).isEqualTo(StickyDecision.Reason.SLOW);
        assertThat(decision.reason().tag()).isEqualTo("rebind_slow");
        BitSet withoutBound = new BitSet();
        withoutBound.set(3);
        assertThat(decision.cell()).isEqualTo(boundedLoad.pick(pool, new PickRequest(request.key(), request.load(), withoutBound)));
    }

    @Test
    void longContextKeepsItsCellThroughTheSameQueueThatMovesAShortOne() {
        // 100,000 tokens cold take about 16.7 s; 30 queued requests (about 3 s) are worth waiting for.
        int[] load = {0, 0, 0, 30};
        PickRequest request = PickRequest.of("s:4:acme:long", i -> load[i])
                .withSession(new SessionBinding("cell-3", 100_000), 100_400);

        assertThat(sticky.decide(pool, request).reason()).isEqualTo(StickyDecision.Reason.BOUND);
    }

    @Test
    void slackKeepsStickinessWhenEveryPredictionIsSmall() {
        // Growth only; alternatives are nearly free (50 tokens cold = 8 ms), yet one request ahead (100 ms) stays within
        // the 100 ms slack plus the bound cell's own prefill of nothing.
        int[] load = {1, 0, 0, 0};
        PickRequest request = PickRequest.of("s:4:acme:tiny", i -> load[i]).withSession(new SessionBinding("cell-0", 50), 50);

        assertThat(sticky.decide(pool, request).reason()).isEqualTo(StickyDecision.Reason.BOUND);
    }

    @Test
    void labelledPrefillRateChangesThePrediction() {
        Cell fast = new Cell("fast", "m", "local", Map.of(Cell.PREFILL_RATE_LABEL, "60000"));
        Cell plain = new Cell("plain", "m", "local");
        CellPool labelled = CellPool.of(List.of(fast, plain));

        assertThat(sticky.predictedTtftMillis(labelled, 0, 0, 6_000)).isEqualTo(100.0);
        assertThat(sticky.predictedTtftMillis(labelled, 1, 2, 6_000)).isEqualTo(2 * 100.0 + 1_000.0);
    }

    @Test
    void addingCellsNeverMovesABoundSession() {
        List<Cell> cells = new ArrayList<>(ConsistentHashPolicyTest.cells(4));
        CellPool before = CellPool.of(cells);
        Map<String, String> bindings = new HashMap<>();
        for (int s = 0; s < 500; s++) {
            String key = "s:4:acme:scale-" + s;
            int chosen = sticky.decide(before, PickRequest.of(key).withSession(null, 4_000)).cell().orElseThrow();
            bindings.put(key, before.get(chosen).id());
        }
        for (int added = 4; added < 12; added++) {
            cells.add(new Cell("cell-" + added, "m", "local"));
        }
        CellPool after = CellPool.of(cells);

        int newSessionsOnNewCells = 0;
        for (Map.Entry<String, String> bound : bindings.entrySet()) {
            PickRequest turn = PickRequest.of(bound.getKey()).withSession(new SessionBinding(bound.getValue(), 4_000), 4_300);
            StickyDecision decision = sticky.decide(after, turn);
            assertThat(after.get(decision.cell().orElseThrow()).id()).isEqualTo(bound.getValue());
            assertThat(decision.reason()).isEqualTo(StickyDecision.Reason.BOUND);

            int fresh = sticky.decide(after, PickRequest.of(bound.getKey() + "-fresh").withSession(null, 4_000))
                    .cell().orElseThrow();
            if (fresh >= 4) {
                newSessionsOnNewCells++;
            }
        }
        // The ring still spreads new sessions: about 8 of 12 cells' share land on the new cells.
        assertThat(newSessionsOnNewCells).isBetween(250, 420);
    }

    @Test
    void allCellsExcludedPicksNothingAndStoresNothing() {
        BitSet all = new BitSet();
        all.set(0, 4);
        StickyDecision decision = sticky.decide(pool,
                new PickRequest("k", LoadView.NONE, all).withSession(new SessionBinding("cell-1", 10), 10));

        assertThat(decision.cell()).isEmpty();
        assertThat(decision.bindingChanged()).isFalse();
    }

    @Test
    void pickWithoutSessionBehavesLikeBoundedLoad() {
        int[] load = {4, 0, 2, 1};
        for (int k = 0; k < 200; k++) {
            PickRequest request = PickRequest.of("k:" + k, i -> load[i]);
            assertThat(sticky.pick(pool, request)).isEqualTo(boundedLoad.pick(pool, request));
        }
    }

    @Test
    void stickyIsChosenByNameWithItsSettings() {
        RoutingPolicy policy = RoutingPolicies.byName("sticky", new StickySettings(1.5, 25_000, 20, 3.0, 50));

        assertThat(policy).isInstanceOfSatisfying(StickyPolicy.class, chosen -> {
            assertThat(chosen.name()).isEqualTo("sticky");
            assertThat(chosen.settings().prefillTokensPerSecond()).isEqualTo(25_000);
            assertThat(chosen.settings().balanceFactor()).isEqualTo(1.5);
        });
        assertThat(RoutingPolicies.NAMES).contains("sticky");
    }

    @Test
    void nonsenseSettingsAreRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> new StickySettings(1.25, 0, 100, 2, 100));
        assertThatIllegalArgumentException().isThrownBy(() -> new StickySettings(1.25, 6_000, -1, 2, 100));
        assertThatIllegalArgumentException().isThrownBy(() -> new StickySettings(1.25, 6_000, 100, 0.5, 100));
        assertThatIllegalArgumentException().isThrownBy(() -> new StickySettings(0.9, 6_000, 100, 2, 100));
    }
}
