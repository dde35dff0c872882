package io.warmpath.routing;

import java.util.Arrays;
import java.util.List;

/**
 * A consistent-hash ring with virtual nodes over a fixed list of cells. Immutable; lookups are a binary search
 * over a sorted primitive array, so a pick allocates nothing.
 */
final class HashRing {

    private final long[] points;
    private final int[] owners;

    HashRing(List<Cell> cells, int virtualNodes) {
        if (virtualNodes < 1) {
            throw new IllegalArgumentException("virtualNodes must be at least 1");
        }
        int size = cells.size() * virtualNodes;
        long[] keyed = new long[size];
        int[] owner = new int[size];
        Integer[] order = new Integer[size];
        for (int c = 0; c < cells.size(); c++) {
            for (int v = 0; v < virtualNodes; v++) {
                int slot = c * virtualNodes + v;
                keyed[slot] = Hashing.hash64(cells.get(c).id() + '#' + v);
                owner[slot] = c;
                order[slot] = slot;
            }
        }
        Arrays.sort(order, (a, b) -> Long.compare(keyed[a], keyed[b]));
        this.points = new long[size];
        this.owners = new int[size];
        for (int i = 0; i < size; i++) {
            points[i] = keyed[order[i]];
            owners[i] = owner[order[i]];
        }
    }

    /** Position of the first point at or after the hash, wrapping around; -1 on an empty ring. */
    int firstPosition(long hash) {
        if (points.length == 0) {
            return -1;
        }
        int i = Arrays.binarySearch(points, hash);
        if (i < 0) {
            i = -i - 1;
        }
        return i == points.length ? 0 : i;
    }

    int size() {
        return points.length;
    }

    /** The cell index owning the point at {@code position}, read modulo the ring size so callers can walk on. */
    int ownerAt(int position) {
        return owners[Math.floorMod(position, owners.length)];
    }
}
