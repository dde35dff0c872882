package io.warmpath.routing;

/**
 * The knobs of the {@code sticky} policy; see {@link StickyPolicy} for the prediction and the bound they feed.
 *
 * @param balanceFactor           {@code bounded-load}'s c, for new sessions and rebinds (at least 1)
 * @param prefillTokensPerSecond  the prefill rate of cells without a {@link Cell#PREFILL_RATE_LABEL} label (positive)
 * @param serviceTimeMillis       the expected time one request ahead in a cell's queue or batch delays a new one
 *                                (zero or more)
 * @param stickinessFactor        the bound cell stays while its predicted time to first token is at most this many
 *                                times the best alternative's (at least 1) ...
 * @param slackMillis             ... or at most this much more than it, whichever allows more (zero or more)
 */
public record StickySettings(double balanceFactor, double prefillTokensPerSecond, double serviceTimeMillis,
        double stickinessFactor, double slackMillis) {

    /** Kimi K2.5's prefill rate in engine-sim; real cells should label their own. */
    public static final double DEFAULT_PREFILL_TOKENS_PER_SECOND = 6_000;
    public static final double DEFAULT_SERVICE_TIME_MILLIS = 100;
    public static final double DEFAULT_STICKINESS_FACTOR = 2.0;
    public static final double DEFAULT_SLACK_MILLIS = 100;

    public StickySettings {
        if (!(balanceFactor >= 1.0)) {
            throw new IllegalArgumentException("balance factor must be at least 1.0, was " + balanceFactor);
        }
        if (!(prefillTokensPerSecond > 0) || Double.isInfinite(prefillTokensPerSecond)) {
            throw new IllegalArgumentException("prefill rate must be a positive number, was " + prefillTokensPerSecond);
        }
        if (!(serviceTimeMillis >= 0) || Double.isInfinite(serviceTimeMillis)) {
            throw new IllegalArgumentException("service time must not be negative, was " + serviceTimeMillis);
        }
        if (!(stickinessFactor >= 1.0) || Double.isInfinite(stickinessFactor)) {
            throw new IllegalArgumentException("stickiness factor must be at least 1.0, was " + stickinessFactor);
        }
        if (!(slackMillis >= 0) || Double.isInfinite(slackMillis)) {
            throw new IllegalArgumentException("slack must not be negative, was " + slackMillis);
        }
    }

    public static StickySettings defaults() {
        return new StickySettings(BoundedLoadPolicy.DEFAULT_BALANCE_FACTOR, DEFAULT_PREFILL_TOKENS_PER_SECOND,
                DEFAULT_SERVICE_TIME_MILLIS, DEFAULT_STICKINESS_FACTOR, DEFAULT_SLACK_MILLIS);
    }

    /**
     * The time to first token predicted on {@code cell} ({@link StickyPolicy}'s prediction), in milliseconds: {@code
     * load} requests ahead at {@code serviceTimeMillis} each, then {@code uncachedTokens} at the cell's labelled
     * prefill rate, else {@code prefillTokensPerSecond}.
     */
    public double predictedTtftMillis(Cell cell, int load, long uncachedTokens) {
        double rate = cell.labelledPrefillRate();
        return predictedTtftMillis(Double.isNaN(rate) ? prefillTokensPerSecond : rate, load, uncachedTokens);
    }

    double predictedTtftMillis(double prefillRate, int load, long uncachedTokens) {
        return Math.max(0, load) * serviceTimeMillis + uncachedTokens * 1_000.0 / prefillRate;
    }

    public StickySettings withBalanceFactor(double factor) {
        return new StickySettings(factor, prefillTokensPerSecond, serviceTimeMillis, stickinessFactor, slackMillis);
    }
}
