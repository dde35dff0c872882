package io.warmpath.session.web;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;

/**
 * An error answer, rendered as OpenAI error JSON by {@link ApiErrorHandler}.
 *
 * @param status     the HTTP status
 * @param type       the OpenAI error type, such as {@code invalid_request_error}
 * @param code       a stable machine-readable code, such as {@code budget_exceeded}
 * @param message    for humans; never a token, a prompt or a tenant-chosen affinity value
 * @param retryAfter sent as {@code Retry-After} when present
 */
public record ApiError(HttpStatus status, String type, String code, String message, @Nullable Duration retryAfter) {

    public static ApiError invalidRequest(String code, String message) {
        return new ApiError(HttpStatus.BAD_REQUEST, "invalid_request_error", code, message, null);
    }

    public static ApiError invalidField(String field, String problem) {
        return invalidRequest("invalid_request", "'" + field + "' " + problem + ".");
    }

    public static ApiError notFound(String code, String message) {
        return new ApiError(HttpStatus.NOT_FOUND, "invalid_request_error", code, message, null);
    }

    public static ApiError sessionNotFound() {
        return notFound("session_not_found", "No such session.");
    }

    public static ApiError forbidden(String code, String message) {
        return new ApiError(HttpStatus.FORBIDDEN, "permission_error", code, message, null);
    }

    public static ApiError conflict(String code, String message) {
        return new ApiError(HttpStatus.CONFLICT, "invalid_request_error", code, message, null);
    }

    public static ApiError budgetExceeded(String message) {
        return new ApiError(HttpStatus.TOO_MANY_REQUESTS, "insufficient_quota", "budget_exceeded", message, null);
    }

    static ApiError missingTenant() {
        return new ApiError(HttpStatus.UNAUTHORIZED, "authentication_error", "missing_tenant",
                "The trusted x-warmpath-tenant header is missing or invalid.", null);
    }

    static ApiError storeUnavailable(Duration retryAfter) {
        return new ApiError(HttpStatus.SERVICE_UNAVAILABLE, "server_error", "session_store_unavailable",
                "The session store is unavailable; retry later.", retryAfter);
    }

    static ApiError overloaded(Duration retryAfter) {
        return new ApiError(HttpStatus.SERVICE_UNAVAILABLE, "server_error", "session_service_overloaded",
                "The session service is at its limit of concurrent requests; retry later.", retryAfter);
    }

    static ApiError internal() {
        return new ApiError(HttpStatus.INTERNAL_SERVER_ERROR, "server_error", "internal_error",
                "The session service failed to handle the request.", null);
    }
}
