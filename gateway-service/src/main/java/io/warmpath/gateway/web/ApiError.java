package io.warmpath.gateway.web;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;

/**
 * An error the gateway answers itself, before or instead of a cell. {@link ErrorResponseWriter} renders it as OpenAI
 * error JSON ({@code {"error": {"message", "type", "code"}}}) on {@code /v1/*} and as problem details elsewhere.
 *
 * @param status     the HTTP status
 * @param type       the OpenAI error type, such as {@code invalid_request_error}
 * @param code       a stable machine-readable code, such as {@code model_not_found}
 * @param message    a human-readable message; never prompt text
 * @param retryAfter sent as {@code Retry-After} when present
 */
public record ApiError(HttpStatus status, String type, String code, String message, @Nullable Duration retryAfter) {

    public static ApiError invalidRequest(String code, String message) {
        return new ApiError(HttpStatus.BAD_REQUEST, "invalid_request_error", code, message, null);
    }

    public static ApiError notFound(String message) {
        return new ApiError(HttpStatus.NOT_FOUND, "invalid_request_error", "not_found", message, null);
    }

    /** The same type and code as the engines use, so a client sees one shape whichever hop rejected the model. */
    public static ApiError modelNotFound(String model) {
        return new ApiError(HttpStatus.NOT_FOUND, "NotFoundError", "model_not_found",
                "The model '" + model + "' is not served by any cell.", null);
    }

    public static ApiError tooLarge(long maxBytes) {
        return new ApiError(HttpStatus.CONTENT_TOO_LARGE, "invalid_request_error", "request_too_large",
                "The request body exceeds the limit of " + maxBytes + " bytes.", null);
    }

    public static ApiError unavailable(String code, String message, Duration retryAfter) {
        return new ApiError(HttpStatus.SERVICE_UNAVAILABLE, "server_error", code, message, retryAfter);
    }

    /** An upstream (a cell, session-service) failed mid-call: reached, but it broke off without a usable answer. */
    public static ApiError badGateway(String code, String message) {
        return new ApiError(HttpStatus.BAD_GATEWAY, "server_error", code, message, null);
    }

    public static ApiError timeout(String message) {
        return new ApiError(HttpStatus.GATEWAY_TIMEOUT, "server_error", "upstream_timeout", message, null);
    }

    public static ApiError internal() {
        return new ApiError(HttpStatus.INTERNAL_SERVER_ERROR, "server_error", "internal_error",
                "The gateway failed to handle the request.", null);
    }
}
