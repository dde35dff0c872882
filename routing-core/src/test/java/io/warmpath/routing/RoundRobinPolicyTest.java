package io.warmpath.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoundRobinPolicyTest {

    @Test
    void turnsThroughEveryCellInOrderRegardlessOfKey() {
        RoutingPolicy policy = RoutingPolicies.roundRobin();
        CellPool pool = CellPool.of(ConsistentHashPolicyTest.cells(3));
        List<Integer> picks = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            picks.add(policy.pick(pool, PickRequest.of("same-key")).orElseThrow());
        }
        assertThat(picks).containsExactly(0, 1, 2, 0, 1, 2);
    }

    @Test
    void skipsExcludedCells() {
        RoutingPolicy policy = RoutingPolicies.roundRobin();
        CellPool pool = CellPool.of(ConsistentHashPolicyTest.cells(3));
        BitSet excluded = new BitSet();
        excluded.set(1);
        for (int i = 0; i < 6; i++) {
            assertThat(policy.pick(pool, new PickRequest(null, LoadView.NONE, excluded)).orElseThrow()).isNotEqualTo(1);
        }
    }
}
