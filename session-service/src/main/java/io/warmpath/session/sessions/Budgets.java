package io.warmpath.session.sessions;

import java.math.BigDecimal;

import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ApiErrorException;
import org.jspecify.annotations.Nullable;

/**
 * The limits of one session; null means unlimited.
 *
 * @param maxContextTokens       largest prompt of one turn
 * @param maxGrowthTokensPerTurn largest growth of the prompt over the previous settled turn's
 * @param maxTotalTokens         prompt plus completion tokens over the session's life, reservations included
 * @param maxCostUsd             cost over the session's life at the price table, reservations included
 */
public record Budgets(
        @Nullable Integer maxContextTokens,
        @Nullable Integer maxGrowthTokensPerTurn,
        @Nullable Long maxTotalTokens,
        @Nullable BigDecimal maxCostUsd) {

    public static final Budgets UNLIMITED = new Budgets(null, null, null, null);

    /** Costs are held as nano-dollars, which Lua compares exactly only up to 2^53 (about 9 million USD). */
    private static final BigDecimal MAX_COST_USD = BigDecimal.valueOf(1_000_000);

    /** Refuses non-positive limits with a 400 naming the field. */
    Budgets validated() {
        requirePositive("budgets.max_context_tokens", maxContextTokens);
        requirePositive("budgets.max_growth_tokens_per_turn", maxGrowthTokensPerTurn);
        requirePositive("budgets.max_total_tokens", maxTotalTokens);
        if (maxCostUsd != null && (maxCostUsd.signum() <= 0 || maxCostUsd.compareTo(MAX_COST_USD) > 0)) {
            throw new ApiErrorException(ApiError.invalidField("budgets.max_cost_usd",
                    "must be greater than 0 and at most " + MAX_COST_USD));
        }
        return this;
    }

    private static void requirePositive(String field, @Nullable Number value) {
        if (value != null && value.longValue() <= 0) {
            throw new ApiErrorException(ApiError.invalidField(field, "must be a positive number"));
        }
    }
}
