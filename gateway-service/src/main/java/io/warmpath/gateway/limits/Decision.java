package io.warmpath.gateway.limits;

import java.util.List;

/**
 * What {@code admit.lua} decided, with the figures of the tightest scope for the response headers (a limit of 0: the
 * request has no limit of that kind).
 *
 * @param admitted         whether the request may go on
 * @param refused          what it was refused for: {@code requests}, {@code tokens}, {@code concurrent}, or
 *                         {@code unchecked} when the limits could not be checked; empty when admitted
 * @param retryAfterMillis when the refused request may succeed
 * @param unchecked        whether the limits could not be checked at all (no headers, nothing to settle)
 */
record Decision(boolean admitted, String refused, long retryAfterMillis, long requestLimit, long requestsRemaining,
        long requestsResetMillis, long tokenLimit, long tokensRemaining, long tokensResetMillis, boolean unchecked) {

    static final Decision UNCHECKED_ADMIT = new Decision(true, "", 0, 0, 0, 0, 0, 0, 0, true);
    static final Decision UNCHECKED_REFUSE = new Decision(false, "unchecked", 1000, 0, 0, 0, 0, 0, 0, true);

    /** The script's reply: {admitted, refused, retry ms, request limit, remaining, reset ms, token limit, ...}. */
    static Decision of(List<?> reply) {
        return new Decision(number(reply, 0) == 1, String.valueOf(reply.get(1)), number(reply, 2), number(reply, 3),
                number(reply, 4), number(reply, 5), number(reply, 6), number(reply, 7), number(reply, 8), false);
    }

    private static long number(List<?> reply, int index) {
        Object value = reply.get(index);
        return value instanceof Number number ? number.longValue() : Long.parseLong(String.valueOf(value));
    }
}
