package io.warmpath.session.sessions;

import java.math.BigDecimal;

import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ApiErrorException;
import io.warmpath.session.Limits;
import org.jspecify.annotations.Nullable;

/**
 * The limits of one session; null means unlimited.
 *
 * @param maxContextTokens       largest prompt of one turn
 * @param maxGrowthTokensPerTurn largest growth of the prompt over the previous settled turn's
 * @param maxTotalTokens         prompt plus completion tokens over the session's life, reservations included
 * @param maxCostUsd             cost over the session's life at the price table, reservations included (whole
 *                               nano-dollars)
 */
public record Budgets(
        @Nullable Integer maxContextTokens,
        @Nullable Integer maxGrowthTokensPerTurn,
        @Nullable Long maxTotalTokens,
        @Nullable BigDecimal maxCostUsd) {

    public static final Budgets UNLIMITED = new Budgets(null, null, null, null);

    /** Whether any limit is set: the session's cell must then reserve before each turn. */
    public boolean limited() {
        return maxContextTokens != null || maxGrowthTokensPerTurn != null || maxTotalTokens != null
                || maxCostUsd != null;
    }

    /** Refuses limits out of range ({@link Limits}) with a 400 naming the field. */
    Budgets validated() {
        check("budgets.max_context_tokens", maxContextTokens == null ? null
                : Limits.tokenLimitProblem(maxContextTokens, Integer.MAX_VALUE));
        check("budgets.max_growth_tokens_per_turn", maxGrowthTokensPerTurn == null ? null
                : Limits.tokenLimitProblem(maxGrowthTokensPerTurn, Integer.MAX_VALUE));
        check("budgets.max_total_tokens", maxTotalTokens == null ? null
                : Limits.tokenLimitProblem(maxTotalTokens, Limits.MAX_TOTAL_TOKENS));
        check("budgets.max_cost_usd", maxCostUsd == null ? null : Limits.costLimitProblem(maxCostUsd));
        return this;
    }

    private static void check(String field, @Nullable String problem) {
        if (problem != null) {
            throw new ApiErrorException(ApiError.invalidField(field, problem));
        }
    }
}
