package io.warmpath.gateway.web;

/** Ends a request with an {@link ApiError}; {@link GatewayErrorHandler} renders it. */
public class ApiErrorException extends RuntimeException {

    private final ApiError error;

    public ApiErrorException(ApiError error) {
        // No stack trace: these are answers to clients, not faults of the gateway.
        super(error.message(), null, false, false);
        this.error = error;
    }

    public ApiError error() {
        return error;
    }
}
