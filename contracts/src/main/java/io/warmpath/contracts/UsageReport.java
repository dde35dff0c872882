package io.warmpath.contracts;

import java.util.OptionalLong;

import org.jspecify.annotations.Nullable;

/**
 * How a cell tells the gateway the tokens a turn used, so that the caller's token rate limit is settled with what the
 * turn really cost rather than what was reserved for it: the {@link WarmpathHeaders#USAGE} header on a non-streamed
 * answer, and an SSE comment on a stream, written when the engine's usage arrives and before {@code [DONE]}. Comments
 * are ignored by every SSE client (the HTML standard's event-stream rules), so a client that did not ask for usage
 * sees no usage chunk.
 */
public final class UsageReport {

    private static final String VALUE_PREFIX = "total_tokens=";
    /** The comment line's start, as it appears after the previous event's blank line. */
    public static final String COMMENT_PREFIX = ": " + WarmpathHeaders.USAGE + " " + VALUE_PREFIX;

    private UsageReport() {
    }

    /** The header value for a turn of {@code totalTokens}. */
    public static String headerValue(long totalTokens) {
        return VALUE_PREFIX + totalTokens;
    }

    /** The SSE comment frame for a turn of {@code totalTokens}. */
    public static String commentFrame(long totalTokens) {
        return COMMENT_PREFIX + totalTokens + "\n\n";
    }

    /** The tokens a header value reports; empty for a missing or malformed one. */
    public static OptionalLong parseHeader(@Nullable String value) {
        if (value == null || !value.startsWith(VALUE_PREFIX)) {
            return OptionalLong.empty();
        }
        String digits = value.substring(VALUE_PREFIX.length()).strip();
        if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(Character::isDigit)) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Long.parseLong(digits));
    }
}
