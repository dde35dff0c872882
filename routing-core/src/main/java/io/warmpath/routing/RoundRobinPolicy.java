package io.warmpath.routing;

import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;

/** Turns through the cells in order, ignoring keys and load: the baseline every router starts from. */
final class RoundRobinPolicy implements RoutingPolicy {

    static final String NAME = "round-robin";

    private final AtomicInteger next = new AtomicInteger();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public OptionalInt pick(CellPool pool, PickRequest request) {
        int size = pool.size();
        int start = Math.floorMod(next.getAndIncrement(), Math.max(size, 1));
        for (int step = 0; step < size; step++) {
            int candidate = (start + step) % size;
            if (request.allowed(candidate)) {
                return OptionalInt.of(candidate);
            }
        }
        return OptionalInt.empty();
    }
}
