package io.warmpath.routing;

import java.util.Locale;
import java.util.OptionalInt;

/**
 * What {@link StickyPolicy#decide} chose, and why: the caller stores the binding when it changed and counts outcomes.
 *
 * @param cell                  the chosen cell's index in the pool; empty when every cell is excluded
 * @param reason                why this cell: the binding held, a first binding, or which rule broke the binding
 * @param predictedCachedTokens the prompt tokens the chosen cell is expected to hold for this session: the binding's
 *                              last prompt on a hit, else 0
 */
public record StickyDecision(OptionalInt cell, Reason reason, long predictedCachedTokens) {

    /** Whether the stored binding was used, created or replaced. */
    public enum Outcome {
        HIT, NEW, REBIND;

        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Why the cell was chosen; {@link #tag()} is the value session-service and metrics use. */
    public enum Reason {
        /** The bound cell is healthy, in the pool and not too slow: the binding wins. */
        BOUND("bound"),
        /** The session had no binding: {@code bounded-load} chose. */
        NEW("new"),
        /** The bound cell is in the pool but excluded (unhealthy, ejected, or already tried by this request). */
        UNHEALTHY("rebind_unhealthy"),
        /** The bound cell is not in the pool: it left, or it does not serve this request's model. */
        GONE("rebind_gone"),
        /** The bound cell's predicted time to first token is past the bound of the best alternative's. */
        SLOW("rebind_slow");

        private final String tag;

        Reason(String tag) {
            this.tag = tag;
        }

        public String tag() {
            return tag;
        }
    }

    public Outcome outcome() {
        return switch (reason) {
            case BOUND -> Outcome.HIT;
            case NEW -> Outcome.NEW;
            case UNHEALTHY, GONE, SLOW -> Outcome.REBIND;
        };
    }

    /** Whether the caller should store a new binding: the session has none or it moved (and a cell was chosen). */
    public boolean bindingChanged() {
        return reason != Reason.BOUND && cell.isPresent();
    }
}
