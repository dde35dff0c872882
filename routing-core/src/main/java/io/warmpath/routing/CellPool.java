package io.warmpath.routing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The cells one request may be routed to (typically: healthy cells serving its model in an allowed region),
 * with their hash ring built once. Callers keep a pool while membership is unchanged and build a new one when it
 * changes; per-request exclusions travel in {@link PickRequest}, not here.
 */
public final class CellPool {

    /** Virtual nodes per cell: enough for an even spread at 8 cells, cheap at 1,000. */
    public static final int DEFAULT_VIRTUAL_NODES = 160;

    private final List<Cell> cells;
    private final Map<String, Integer> indexById;
    private final HashRing ring;
    /** Each cell's {@link Cell#PREFILL_RATE_LABEL}, parsed once per pool; NaN where absent or invalid. */
    private final double[] labelledPrefillRates;

    private CellPool(List<Cell> cells, int virtualNodes) {
        this.cells = List.copyOf(cells);
        this.indexById = new HashMap<>();
        for (int i = 0; i < this.cells.size(); i++) {
            if (indexById.putIfAbsent(this.cells.get(i).id(), i) != null) {
                throw new IllegalArgumentException("duplicate cell id: " + this.cells.get(i).id());
            }
        }
        this.ring = new HashRing(this.cells, virtualNodes);
        this.labelledPrefillRates = this.cells.stream().mapToDouble(Cell::labelledPrefillRate).toArray();
    }

    public static CellPool of(List<Cell> cells) {
        return new CellPool(cells, DEFAULT_VIRTUAL_NODES);
    }

    public static CellPool of(List<Cell> cells, int virtualNodes) {
        return new CellPool(cells, virtualNodes);
    }

    public List<Cell> cells() {
        return cells;
    }

    public int size() {
        return cells.size();
    }

    public boolean isEmpty() {
        return cells.isEmpty();
    }

    public Cell get(int index) {
        return cells.get(index);
    }

    /** Index of the cell with this id, or -1. */
    public int indexOf(String cellId) {
        Integer index = indexById.get(cellId);
        return index == null ? -1 : index;
    }

    HashRing ring() {
        return ring;
    }

    /** The cell's labelled prefill rate in tokens per second, or NaN when it has none. */
    double labelledPrefillRate(int index) {
        return labelledPrefillRates[index];
    }
}
