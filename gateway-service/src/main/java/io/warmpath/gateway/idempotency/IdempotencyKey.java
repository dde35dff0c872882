package io.warmpath.gateway.idempotency;

import java.util.List;

import io.warmpath.contracts.WarmpathHeaders;
import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ApiErrorException;
import io.warmpath.contracts.errors.ErrorCode;

/**
 * A request's {@code Idempotency-Key}: the draft's structured-field string ({@code "8e03978e-..."}, with {@code \"}
 * and {@code \\} escapes), or, as the OpenAI and Stripe SDKs send it, the bare value. Either way 1 to 255 characters
 * of visible ASCII (spaces too, inside quotes); the quoted and the bare form of one value are the same key.
 */
record IdempotencyKey(String value) {

    static final int MAX_LENGTH = 255;

    /** The key the header values name, or a 400 {@code invalid_idempotency_key}. */
    static IdempotencyKey parse(List<String> headerValues) {
        if (headerValues.size() != 1) {
            throw invalid("send one Idempotency-Key header");
        }
        String raw = headerValues.getFirst().strip();
        String value = raw.startsWith("\"") ? unquoted(raw) : bare(raw);
        if (value.isEmpty() || value.length() > MAX_LENGTH) {
            throw invalid("an Idempotency-Key has 1 to " + MAX_LENGTH + " characters");
        }
        return new IdempotencyKey(value);
    }

    private static String bare(String raw) {
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == ',') {
                throw invalid("an Idempotency-Key is visible ASCII without quotes, backslashes or commas, or a "
                        + "quoted string");
            }
        }
        return raw;
    }

    private static String unquoted(String raw) {
        StringBuilder value = new StringBuilder(raw.length());
        for (int i = 1; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '"') {
                if (i != raw.length() - 1) {
                    throw invalid("a quoted Idempotency-Key ends at its closing quote");
                }
                return value.toString();
            }
            if (c == '\\') {
                char escaped = ++i < raw.length() ? raw.charAt(i) : 0;
                if (escaped != '"' && escaped != '\\') {
                    throw invalid("a quoted Idempotency-Key escapes only \" and \\");
                }
                value.append(escaped);
            }
            else if (c < 0x20 || c >= 0x7f) {
                throw invalid("an Idempotency-Key is visible ASCII");
            }
            else {
                value.append(c);
            }
        }
        throw invalid("a quoted Idempotency-Key needs its closing quote");
    }

    private static ApiErrorException invalid(String problem) {
        return new ApiErrorException(ApiError.of(ErrorCode.INVALID_IDEMPOTENCY_KEY,
                "Invalid " + WarmpathHeaders.IDEMPOTENCY_KEY + ": " + problem + "."));
    }
}
