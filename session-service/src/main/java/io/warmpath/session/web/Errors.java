package io.warmpath.session.web;

import java.time.Duration;

import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ErrorCode;

/** The errors the session service answers in more than one place. */
public final class Errors {

    private Errors() {
    }

    public static ApiError sessionNotFound() {
        return ApiError.of(ErrorCode.SESSION_NOT_FOUND, "No such session.");
    }

    static ApiError storeUnavailable(Duration retryAfter) {
        return ApiError.retryable(ErrorCode.SESSION_STORE_UNAVAILABLE, "The session store is unavailable; retry later.",
                retryAfter);
    }

    static ApiError overloaded(Duration retryAfter) {
        return ApiError.retryable(ErrorCode.SESSION_SERVICE_OVERLOADED,
                "The session service is at its limit of concurrent requests; retry later.", retryAfter);
    }

    static ApiError overloadedForTenant(Duration retryAfter) {
        return ApiError.retryable(ErrorCode.SESSION_SERVICE_OVERLOADED,
                "The session service is at its limit of concurrent requests for this tenant; retry later.",
                retryAfter);
    }

    static ApiError internal() {
        return ApiError.of(ErrorCode.INTERNAL_ERROR, "The session service failed to handle the request.");
    }
}
