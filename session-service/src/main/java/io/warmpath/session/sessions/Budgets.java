package io.warmpath.session.sessions;

import java.math.BigDecimal;

import io.warmpath.session.Limits;
import io.warmpath.session.Limits.CostLimit;
import io.warmpath.session.Limits.TokenLimit;
import org.jspecify.annotations.Nullable;

/**
 * The limits of one session; null means unlimited. A created session's are checked with {@code @Valid}: a 400 naming
 * the field when one is out of range.
 *
 * @param maxContextTokens       largest prompt of one turn; 1 to 2^31 - 1
 * @param maxGrowthTokensPerTurn largest growth of the prompt over the previous settled turn's; 1 to 2^31 - 1
 * @param maxTotalTokens         prompt plus completion tokens over the session's life, reservations included; 1 to
 *                               {@link Limits#MAX_TOTAL_TOKENS}
 * @param maxCostUsd             cost over the session's life at the price table, reservations included (whole
 *                               nano-dollars); more than 0 to {@link Limits#MAX_COST_USD}
 */
public record Budgets(
        @TokenLimit @Nullable Integer maxContextTokens,
        @TokenLimit @Nullable Integer maxGrowthTokensPerTurn,
        @TokenLimit(max = Limits.MAX_TOTAL_TOKENS) @Nullable Long maxTotalTokens,
        @CostLimit @Nullable BigDecimal maxCostUsd) {

    public static final Budgets UNLIMITED = new Budgets(null, null, null, null);

    /** Whether any limit is set: the session's cell must then reserve before each turn. */
    public boolean limited() {
        return maxContextTokens != null || maxGrowthTokensPerTurn != null || maxTotalTokens != null
                || maxCostUsd != null;
    }
}
