package io.warmpath.session.sessions;

/**
 * The session's usage so far and what open reservations hold.
 *
 * @param turns             settled turns
 * @param promptTokens      prompt tokens, cached ones included
 * @param cachedTokens      prompt tokens served from the engine's prefix cache
 * @param completionTokens  completion tokens
 * @param costNanos         cost of the settled turns in nano-USD
 * @param reservedTokens    tokens held by open reservations
 * @param reservedCostNanos cost held by open reservations in nano-USD
 */
public record Ledger(long turns, long promptTokens, long cachedTokens, long completionTokens, long costNanos,
        long reservedTokens, long reservedCostNanos) {
}
