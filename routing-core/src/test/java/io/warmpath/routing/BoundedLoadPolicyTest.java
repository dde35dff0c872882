package io.warmpath.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.BitSet;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BoundedLoadPolicyTest {

    @Test
    void noCellExceedsTheBoundWhileLoadAccumulates() {
        double c = 1.25;
        RoutingPolicy policy = RoutingPolicies.boundedLoad(c);
        CellPool pool = CellPool.of(ConsistentHashPolicyTest.cells(8));
        int[] load = new int[pool.size()];
        // Skewed keys: a few hot sessions send most requests, which plain hashing would pile onto their cells.
        Random random = new Random(42);
        for (int request = 0; request < 4_000; request++) {
            String key = "session-" + (random.nextDouble() < 0.6 ? random.nextInt(3) : random.nextInt(1_000));
            int chosen = policy.pick(pool, PickRequest.of(key, i -> load[i])).orElseThrow();
            long total = java.util.Arrays.stream(load).sum();
            long bound = (long) Math.ceil(c * (total + 1) / pool.size());
            assertThat(load[chosen] + 1L).isLessThanOrEqualTo(bound);
            load[chosen]++;
        }
    }

    @Test
    void unloadedPoolBehavesLikeConsistentHashing() {
        RoutingPolicy bounded = RoutingPolicies.boundedLoad();
        RoutingPolicy hashed = RoutingPolicies.consistentHash();
        CellPool pool = CellPool.of(ConsistentHashPolicyTest.cells(8));
        for (int k = 0; k < 500; k++) {
            PickRequest request = PickRequest.of("key-" + k);
            assertThat(bounded.pick(pool, request)).isEqualTo(hashed.pick(pool, request));
        }
    }

    @Test
    void overloadedHomeCellSendsTheKeyToTheNextCellOnTheRing() {
        RoutingPolicy policy = RoutingPolicies.boundedLoad(1.25);
        CellPool pool = CellPool.of(ConsistentHashPolicyTest.cells(4));
        String key = "busy-session";
        int home = policy.pick(pool, PickRequest.of(key)).orElseThrow();
        int[] load = new int[4];
        load[home] = 10;
        int moved = policy.pick(pool, PickRequest.of(key, i -> load[i])).orElseThrow();
        assertThat(moved).isNotEqualTo(home);
        BitSet withoutHome = new BitSet();
        withoutHome.set(home);
        assertThat(moved).isEqualTo(RoutingPolicies.consistentHash()
                .pick(pool, new PickRequest(key, LoadView.NONE, withoutHome)).orElseThrow());
    }

    @Test
    void keylessRequestGoesToTheLeastLoadedAllowedCell() {
        RoutingPolicy policy = RoutingPolicies.boundedLoad();
        CellPool pool = CellPool.of(ConsistentHashPolicyTest.cells(4));
        int[] load = {5, 1, 0, 3};
        BitSet excluded = new BitSet();
        excluded.set(2);
        assertThat(policy.pick(pool, new PickRequest(null, i -> load[i], excluded))).hasValue(1);
    }

    @Test
    void balanceFactorBelowOneIsRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> RoutingPolicies.boundedLoad(0.9));
    }
}
