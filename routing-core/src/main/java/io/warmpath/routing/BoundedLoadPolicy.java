package io.warmpath.routing;

import java.util.OptionalInt;

/**
 * Consistent hashing with bounded loads (Mirrokni, Thorup and Zadimoghaddam, 2018): walk the ring clockwise from the
 * key and take the first cell whose load, counting this request, stays within {@code ceil(c * (L + 1) / n)}, where
 * L is the total load of the n allowed cells. Keys keep their cell as long as it is not overloaded, and no cell
 * ever carries more than c times the average. Requests without a key go to the least-loaded cell.
 */
final class BoundedLoadPolicy implements RoutingPolicy {

    static final String NAME = "bounded-load";

    /** The balance factor the paper and Google's and Vimeo's deployments settle near. */
    static final double DEFAULT_BALANCE_FACTOR = 1.25;

    private final double balanceFactor;

    BoundedLoadPolicy(double balanceFactor) {
        if (!(balanceFactor >= 1.0)) {
            throw new IllegalArgumentException("balance factor must be at least 1.0, was " + balanceFactor);
        }
        this.balanceFactor = balanceFactor;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public OptionalInt pick(CellPool pool, PickRequest request) {
        long totalLoad = 0;
        int allowed = 0;
        int leastLoaded = -1;
        int leastLoad = Integer.MAX_VALUE;
        for (int i = 0; i < pool.size(); i++) {
            if (request.allowed(i)) {
                int load = request.load().load(i);
                totalLoad += load;
                allowed++;
                if (load < leastLoad) {
                    leastLoad = load;
                    leastLoaded = i;
                }
            }
        }
        if (allowed == 0) {
            return OptionalInt.empty();
        }
        if (request.key() == null) {
            return OptionalInt.of(leastLoaded);
        }
        long capacity = capacity(totalLoad, allowed);
        HashRing ring = pool.ring();
        int start = ring.firstPosition(Hashing.hash64(request.key()));
        for (int step = 0; step < ring.size(); step++) {
            int owner = ring.ownerAt(start + step);
            if (request.allowed(owner) && request.load().load(owner) + 1 <= capacity) {
                return OptionalInt.of(owner);
            }
        }
        // Unreachable while loads are stable (some cell is always at or below average); loads read concurrently
        // may shift, and the least-loaded cell is then the honest answer.
        return OptionalInt.of(leastLoaded);
    }

    long capacity(long totalLoad, int cells) {
        return (long) Math.ceil(balanceFactor * (totalLoad + 1) / cells);
    }
}
