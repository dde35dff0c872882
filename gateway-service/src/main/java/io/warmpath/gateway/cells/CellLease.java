package io.warmpath.gateway.cells;

/** One request counted as in flight on a cell until {@link #release()}; releasing twice counts once. */
@FunctionalInterface
public interface CellLease {

    CellLease NONE = () -> {
    };

    void release();
}
