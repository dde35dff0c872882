package io.warmpath.session.web;

/** Ends a request with an {@link ApiError}; {@link ApiErrorHandler} renders it. */
public class ApiErrorException extends RuntimeException {

    private final ApiError error;

    public ApiErrorException(ApiError error) {
        // No stack trace: these are answers to callers, not faults of the service.
        super(error.message(), null, false, false);
        this.error = error;
    }

    public ApiError error() {
        return error;
    }
}
