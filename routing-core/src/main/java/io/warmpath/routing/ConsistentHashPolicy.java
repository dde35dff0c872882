package io.warmpath.routing;

import java.util.OptionalInt;

/**
 * Consistent hashing with virtual nodes, as vLLM production-stack's session router: a key always lands on the same
 * cell while membership is unchanged, and adding or removing one of N cells moves about 1/N of the keys. Excluded
 * cells are skipped clockwise. Requests without a key go round-robin.
 */
final class ConsistentHashPolicy implements RoutingPolicy {

    static final String NAME = "consistent-hash";

    private final RoundRobinPolicy keyless = new RoundRobinPolicy();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public OptionalInt pick(CellPool pool, PickRequest request) {
        if (request.key() == null) {
            return keyless.pick(pool, request);
        }
        HashRing ring = pool.ring();
        int start = ring.firstPosition(Hashing.hash64(request.key()));
        if (start < 0) {
            return OptionalInt.empty();
        }
        for (int step = 0; step < ring.size(); step++) {
            int owner = ring.ownerAt(start + step);
            if (request.allowed(owner)) {
                return OptionalInt.of(owner);
            }
        }
        return OptionalInt.empty();
    }
}
