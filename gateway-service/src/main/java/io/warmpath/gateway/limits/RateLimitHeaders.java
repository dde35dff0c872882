package io.warmpath.gateway.limits;

import java.math.BigDecimal;
import java.math.RoundingMode;

import org.springframework.http.HttpHeaders;

/**
 * OpenAI's rate-limit headers: for requests and for tokens, the limit per minute, what remains of it, and how long
 * until it is whole again, as OpenAI writes durations ({@code 20ms}, {@code 1.5s}, {@code 6m0s}).
 */
final class RateLimitHeaders {

    static final String LIMIT_REQUESTS = "x-ratelimit-limit-requests";
    static final String REMAINING_REQUESTS = "x-ratelimit-remaining-requests";
    static final String RESET_REQUESTS = "x-ratelimit-reset-requests";
    static final String LIMIT_TOKENS = "x-ratelimit-limit-tokens";
    static final String REMAINING_TOKENS = "x-ratelimit-remaining-tokens";
    static final String RESET_TOKENS = "x-ratelimit-reset-tokens";

    private RateLimitHeaders() {
    }

    static void write(Decision decision, HttpHeaders headers) {
        if (decision.requestLimit() > 0) {
            headers.set(LIMIT_REQUESTS, Long.toString(decision.requestLimit()));
            headers.set(REMAINING_REQUESTS, Long.toString(decision.requestsRemaining()));
            headers.set(RESET_REQUESTS, duration(decision.requestsResetMillis()));
        }
        if (decision.tokenLimit() > 0) {
            headers.set(LIMIT_TOKENS, Long.toString(decision.tokenLimit()));
            headers.set(REMAINING_TOKENS, Long.toString(decision.tokensRemaining()));
            headers.set(RESET_TOKENS, duration(decision.tokensResetMillis()));
        }
    }

    /** A duration as OpenAI (and Go) write it: {@code 0s}, {@code 17ms}, {@code 1.5s}, {@code 6m0s}, {@code 1m30.25s}. */
    static String duration(long millis) {
        if (millis <= 0) {
            return "0s";
        }
        if (millis < 1000) {
            return millis + "ms";
        }
        long minutes = millis / 60_000;
        String seconds = BigDecimal.valueOf(millis % 60_000, 3).setScale(3, RoundingMode.UNNECESSARY)
                .stripTrailingZeros().toPlainString() + "s";
        return minutes > 0 ? minutes + "m" + seconds : seconds;
    }
}
