package io.warmpath.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ConsistentHashPolicyTest {

    private final RoutingPolicy policy = RoutingPolicies.consistentHash();

    @Test
    void sameKeyAlwaysReachesTheSameCell() {
        CellPool pool = CellPool.of(cells(8));
        for (int k = 0; k < 200; k++) {
            String key = RoutingKeys.session("acme", "session-" + k);
            int first = policy.pick(pool, PickRequest.of(key)).orElseThrow();
            for (int repeat = 0; repeat < 5; repeat++) {
                assertThat(policy.pick(pool, PickRequest.of(key)).orElseThrow()).isEqualTo(first);
            }
        }
    }

    @Test
    void placementDoesNotDependOnTheOrderCellsAreListedIn() {
        List<Cell> cells = cells(6);
        List<Cell> reversed = new ArrayList<>(cells);
        java.util.Collections.reverse(reversed);
        CellPool pool = CellPool.of(cells);
        CellPool reversedPool = CellPool.of(reversed);
        for (int k = 0; k < 500; k++) {
            String key = "key-" + k;
            assertThat(reversedPool.get(policy.pick(reversedPool, PickRequest.of(key)).orElseThrow()).id())
                    .isEqualTo(pool.get(policy.pick(pool, PickRequest.of(key)).orElseThrow()).id());
        }
    }

    @Test
    void addingOneOfNCellsMovesAboutOneNthOfKeys() {
        int keys = 20_000;
        for (int n : new int[] {4, 8, 16}) {
            Map<String, String> before = placements(CellPool.of(cells(n)), keys);
            Map<String, String> after = placements(CellPool.of(cells(n + 1)), keys);
            long moved = before.keySet().stream().filter(k -> !before.get(k).equals(after.get(k))).count();
            double expected = keys / (double) (n + 1);
            assertThat((double) moved).as("keys moved when growing %d to %d cells", n, n + 1)
                    .isBetween(expected * 0.7, expected * 1.3);
            // Every key that moved went to the new cell: nothing shuffles between old cells.
            assertThat(before.keySet().stream().filter(k -> !before.get(k).equals(after.get(k))))
                    .allMatch(k -> after.get(k).equals("cell-" + n));
        }
    }

    @Test
    void removingOneCellMovesOnlyItsOwnKeys() {
        int keys = 10_000;
        List<Cell> cells = cells(8);
        Map<String, String> before = placements(CellPool.of(cells), keys);
        List<Cell> without = new ArrayList<>(cells);
        without.remove(3);
        Map<String, String> after = placements(CellPool.of(without), keys);
        for (String key : before.keySet()) {
            if (!before.get(key).equals("cell-3")) {
                assertThat(after.get(key)).isEqualTo(before.get(key));
            }
        }
        long moved = before.values().stream().filter("cell-3"::equals).count();
        assertThat((double) moved).isBetween(keys / 8.0 * 0.7, keys / 8.0 * 1.3);
    }

    @Test
    void excludedCellIsSkippedForTheNextOnTheRing() {
        CellPool pool = CellPool.of(cells(5));
        for (int k = 0; k < 100; k++) {
            String key = "key-" + k;
            int home = policy.pick(pool, PickRequest.of(key)).orElseThrow();
            BitSet excluded = new BitSet();
            excluded.set(home);
            int fallback = policy.pick(pool, new PickRequest(key, LoadView.NONE, excluded)).orElseThrow();
            assertThat(fallback).isNotEqualTo(home);
            // The fallback is where the key would live if the home cell were gone.
            List<Cell> without = new ArrayList<>(pool.cells());
            without.remove(home);
            CellPool smaller = CellPool.of(without);
            assertThat(smaller.get(policy.pick(smaller, PickRequest.of(key)).orElseThrow()).id())
                    .isEqualTo(pool.get(fallback).id());
        }
    }

    @Test
    void allCellsExcludedPicksNothing() {
        CellPool pool = CellPool.of(cells(3));
        BitSet all = new BitSet();
        all.set(0, 3);
        assertThat(policy.pick(pool, new PickRequest("k", LoadView.NONE, all))).isEmpty();
        assertThat(policy.pick(CellPool.of(List.of()), PickRequest.of("k"))).isEmpty();
    }

    @Test
    void keysSpreadOverAllCells() {
        CellPool pool = CellPool.of(cells(8));
        Map<String, String> placed = placements(pool, 8_000);
        Map<String, Long> perCell = new HashMap<>();
        placed.values().forEach(cell -> perCell.merge(cell, 1L, Long::sum));
        assertThat(perCell).hasSize(8);
        assertThat(perCell.values()).allSatisfy(count -> assertThat(count).isBetween(700L, 1_300L));
    }

    static List<Cell> cells(int n) {
        return IntStream.range(0, n).mapToObj(i -> new Cell("cell-" + i, "m", "local")).toList();
    }

    private Map<String, String> placements(CellPool pool, int keys) {
        Map<String, String> placed = new HashMap<>();
        for (int k = 0; k < keys; k++) {
            String key = "tenant/session-" + k;
            placed.put(key, pool.get(policy.pick(pool, PickRequest.of(key)).orElseThrow()).id());
        }
        return placed;
    }
}
