package io.warmpath.contracts.errors;

import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * One error answer: OpenAI error JSON on {@code /v1} ({@link #body()}), RFC 9457 problem details on the platform's
 * own APIs.
 *
 * @param code       what went wrong; fixes the status and the type
 * @param message    for humans; never a token, a prompt or a secret (services redact it once more on the way out)
 * @param param      the request field at fault, when there is one
 * @param retryAfter sent as {@code Retry-After} when present
 */
public record ApiError(ErrorCode code, String message, @Nullable String param, @Nullable Duration retryAfter) {

    public ApiError {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }

    public static ApiError of(ErrorCode code, String message) {
        return new ApiError(code, message, null, null);
    }

    /** A 400 naming the field at fault: "'field' problem." */
    public static ApiError invalidField(String field, String problem) {
        return new ApiError(ErrorCode.INVALID_REQUEST, "'" + field + "' " + problem + ".", field, null);
    }

    /** A refusal worth retrying after a while (a 503 or 429). */
    public static ApiError retryable(ErrorCode code, String message, Duration retryAfter) {
        return new ApiError(code, message, null, retryAfter);
    }

    public int status() {
        return code.status();
    }

    /** The OpenAI error JSON of this error. */
    public ErrorBody body() {
        return ErrorBody.of(this);
    }

    /** The {@code Retry-After} value: whole seconds, at least 1. */
    public @Nullable String retryAfterSeconds() {
        return retryAfter == null ? null : Long.toString(Math.max(1, (retryAfter.toMillis() + 999) / 1000));
    }

    /** This error with another message (a redacted one, say). */
    public ApiError withMessage(String newMessage) {
        return new ApiError(code, newMessage, param, retryAfter);
    }
}
