package io.warmpath.session;

import java.math.BigDecimal;

import org.jspecify.annotations.Nullable;

/**
 * The ranges of the numbers a client (budgets) or an operator (tenant defaults, prices) gives the service, checked
 * before any arithmetic on them. Each check returns what is wrong, for the caller to name its field or property, or
 * {@code null}. Amounts are checked by {@link BigDecimal#scale()} and {@link BigDecimal#precision()} first: both
 * are cheap, while {@code setScale}, {@code compareTo} or {@code multiply} on a number such as
 * {@code 1e-300000000} can take minutes.
 */
public final class Limits {

    /** Largest {@code max_total_tokens}: token sums stay exact in Lua's doubles (below 2^53) with room to spare. */
    public static final long MAX_TOTAL_TOKENS = 1_000_000_000_000_000L;

    /** Largest {@code max_cost_usd}: nano-dollar sums stay exact in Lua up to 2^53 (about 9 million USD). */
    public static final BigDecimal MAX_COST_USD = BigDecimal.valueOf(1_000_000);

    /**
     * Largest price per million tokens. One request holds at most 2 × (2^31 - 1) tokens (prompt and max_tokens), so
     * its estimate stays below 4.3 million USD, under 2^53 nano-USD: exact in Lua and far from a {@code long}'s end.
     */
    public static final BigDecimal MAX_PRICE_USD = BigDecimal.valueOf(1_000);

    /** Whole dollars an amount may have at most: 7 digits (9,999,999 USD), before any range check. */
    static final int MAX_INTEGER_DIGITS = 7;

    private Limits() {
    }

    /** What is wrong with a token limit that must be 1 to {@code max}, or {@code null}. */
    public static @Nullable String tokenLimitProblem(long value, long max) {
        return value >= 1 && value <= max ? null : "must be a whole number from 1 to " + max;
    }

    /** What is wrong with a cost budget in USD (more than 0, at most {@link #MAX_COST_USD}), or {@code null}. */
    public static @Nullable String costLimitProblem(BigDecimal usd) {
        boolean valid = isNanoExact(usd) && usd.signum() > 0 && usd.compareTo(MAX_COST_USD) <= 0;
        return valid ? null : "must be greater than 0 and at most " + MAX_COST_USD + " (USD), with at most "
                + Usd.NANO_SCALE + " decimal places";
    }

    /** What is wrong with a price in USD per million tokens (0 to {@link #MAX_PRICE_USD}), or {@code null}. */
    public static @Nullable String priceProblem(BigDecimal usd) {
        boolean valid = isNanoExact(usd) && usd.signum() >= 0 && usd.compareTo(MAX_PRICE_USD) <= 0;
        return valid ? null : "must be from 0 to " + MAX_PRICE_USD + " (USD per million tokens), with at most "
                + Usd.NANO_SCALE + " decimal places";
    }

    /**
     * Whether the amount is whole nano-dollars (at most 9 decimal places, trailing zeros aside) with at most
     * {@value #MAX_INTEGER_DIGITS} integer digits. Safe on any input: only scale and precision are read, and
     * stripping trailing zeros costs at most one step per digit of the number as written.
     */
    static boolean isNanoExact(BigDecimal usd) {
        BigDecimal amount = usd.scale() > Usd.NANO_SCALE ? usd.stripTrailingZeros() : usd;
        return amount.scale() <= Usd.NANO_SCALE && (long) amount.precision() - amount.scale() <= MAX_INTEGER_DIGITS;
    }
}
