package io.warmpath.session;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Money in Redis: whole nano-dollars (1e-9 USD) in 64-bit integers, so that HINCRBY adds them exactly. Lua compares
 * them as doubles, which is exact up to 2^53 nano-USD (about 9 million USD per session).
 */
public final class Usd {

    static final int NANO_SCALE = 9;

    /**
     * Bounds on what the conversions below accept. Every amount they see was checked first ({@link Limits}), and
     * prices times token counts stay far inside these; they turn a check missed in the future into an error instead
     * of a {@code setScale} that runs for minutes.
     */
    private static final int MAX_SCALE = 64;
    private static final int MAX_INTEGER_DIGITS = 18;

    private Usd() {
    }

    /** Nano-dollars of an amount, rounded up: a budget or an estimate never comes out smaller than asked. */
    public static long toNanosCeiling(BigDecimal usd) {
        requireBounded(usd);
        return usd.setScale(NANO_SCALE, RoundingMode.CEILING).unscaledValue().longValueExact();
    }

    /** Nano-dollars of an actual cost, rounded to the nearest. */
    public static long toNanosRounded(BigDecimal usd) {
        requireBounded(usd);
        return usd.setScale(NANO_SCALE, RoundingMode.HALF_UP).unscaledValue().longValueExact();
    }

    private static void requireBounded(BigDecimal usd) {
        if (usd.scale() > MAX_SCALE || (long) usd.precision() - usd.scale() > MAX_INTEGER_DIGITS) {
            throw new ArithmeticException("Amount out of range for nano-dollars: " + usd);
        }
    }

    /** Dollars, without trailing zeros and never in exponent form (1E+1). */
    public static BigDecimal fromNanos(long nanos) {
        BigDecimal usd = BigDecimal.valueOf(nanos, NANO_SCALE).stripTrailingZeros();
        return usd.scale() < 0 ? usd.setScale(0) : usd;
    }
}
