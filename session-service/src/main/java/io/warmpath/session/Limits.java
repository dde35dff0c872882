package io.warmpath.session;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.math.BigDecimal;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.OverridesAttribute;
import jakarta.validation.Payload;
import jakarta.validation.ReportAsSingleViolation;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.jspecify.annotations.Nullable;

/**
 * The ranges of the numbers a client (budgets) or an operator (tenant defaults, prices) gives the service, as Bean
 * Validation constraints, so that both are checked before any arithmetic on them. Amounts are checked by their
 * {@link BigDecimal#scale()} and {@link BigDecimal#precision()} ({@link NanoUsd}) and compared with their bounds
 * ({@link DecimalMin}, {@link DecimalMax}: {@code compareTo}, which compares the exponents first and rescales only
 * numbers of the same magnitude, at a cost bounded by the digits written). All of these are cheap on any input, while
 * {@code setScale}, {@code toBigInteger} or {@code multiply} on a number such as {@code 1e-300000000} can take
 * minutes.
 */
public final class Limits {

    /** Largest {@code max_total_tokens}: token sums stay exact in Lua's doubles (below 2^53) with room to spare. */
    public static final long MAX_TOTAL_TOKENS = 1_000_000_000_000_000L;

    /** Largest {@code max_cost_usd}: nano-dollar sums stay exact in Lua up to 2^53 (about 9 million USD). */
    public static final String MAX_COST_USD = "1000000";

    /**
     * Largest price per million tokens. One request holds at most 2 × (2^31 - 1) tokens (prompt and max_tokens), so
     * its estimate stays below 4.3 million USD, under 2^53 nano-USD: exact in Lua and far from a {@code long}'s end.
     */
    public static final String MAX_PRICE_USD = "1000";

    /** Whole dollars an amount may have at most: 7 digits (9,999,999 USD), before any range check. */
    static final int MAX_INTEGER_DIGITS = 7;

    private Limits() {
    }

    /** A token limit: a whole number from 1 to {@link #max()} (2^31 - 1 unless given). */
    @Documented
    @Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
    @Retention(RetentionPolicy.RUNTIME)
    @Constraint(validatedBy = {})
    @Min(1)
    @Max(Integer.MAX_VALUE)
    @ReportAsSingleViolation
    public @interface TokenLimit {

        String message() default "must be a whole number from 1 to {max}";

        @OverridesAttribute(constraint = Max.class, name = "value")
        long max() default Integer.MAX_VALUE;

        Class<?>[] groups() default {};

        Class<? extends Payload>[] payload() default {};
    }

    /** A cost budget in USD: more than 0, at most {@link #MAX_COST_USD}, whole nano-dollars. */
    @Documented
    @Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
    @Retention(RetentionPolicy.RUNTIME)
    @Constraint(validatedBy = {})
    @NanoUsd
    @DecimalMin(value = "0", inclusive = false)
    @DecimalMax(MAX_COST_USD)
    @ReportAsSingleViolation
    public @interface CostLimit {

        String message() default "must be greater than 0 and at most " + MAX_COST_USD
                + " (USD), with at most " + Usd.NANO_SCALE + " decimal places";

        Class<?>[] groups() default {};

        Class<? extends Payload>[] payload() default {};
    }

    /** A price in USD per million tokens: 0 to {@link #MAX_PRICE_USD}, whole nano-dollars. */
    @Documented
    @Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
    @Retention(RetentionPolicy.RUNTIME)
    @Constraint(validatedBy = {})
    @NanoUsd
    @DecimalMin("0")
    @DecimalMax(MAX_PRICE_USD)
    @ReportAsSingleViolation
    public @interface PriceLimit {

        String message() default "must be from 0 to " + MAX_PRICE_USD
                + " (USD per million tokens), with at most " + Usd.NANO_SCALE + " decimal places";

        Class<?>[] groups() default {};

        Class<? extends Payload>[] payload() default {};
    }

    /**
     * An amount in whole nano-dollars (at most 9 decimal places, trailing zeros aside) with at most
     * {@value #MAX_INTEGER_DIGITS} integer digits. Not {@code @Digits(integer = 7, fraction = 9)}, which would refuse
     * {@code 1.0000000000}: an amount written with more zeros is the same amount.
     */
    @Documented
    @Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.ANNOTATION_TYPE})
    @Retention(RetentionPolicy.RUNTIME)
    @Constraint(validatedBy = NanoUsdValidator.class)
    public @interface NanoUsd {

        String message() default "must be whole nano-dollars (at most " + Usd.NANO_SCALE
                + " decimal places) with at most " + MAX_INTEGER_DIGITS + " integer digits";

        Class<?>[] groups() default {};

        Class<? extends Payload>[] payload() default {};
    }

    /**
     * Checks {@link NanoUsd}. Safe on any input: only scale and precision are read, and stripping trailing zeros
     * costs at most one step per digit of the number as written. Public with a public constructor, as the
     * Bean Validation provider instantiates it reflectively.
     */
    public static final class NanoUsdValidator implements ConstraintValidator<NanoUsd, BigDecimal> {

        @Override
        public boolean isValid(@Nullable BigDecimal usd, ConstraintValidatorContext context) {
            if (usd == null) {
                return true;
            }
            BigDecimal amount = usd.scale() > Usd.NANO_SCALE ? usd.stripTrailingZeros() : usd;
            return amount.scale() <= Usd.NANO_SCALE
                    && (long) amount.precision() - amount.scale() <= MAX_INTEGER_DIGITS;
        }
    }
}
