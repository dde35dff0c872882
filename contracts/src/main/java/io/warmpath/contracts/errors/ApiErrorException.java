package io.warmpath.contracts.errors;

/** Carries an {@link ApiError} to the code that renders it; no stack trace, since it is an answer, not a fault. */
public class ApiErrorException extends RuntimeException {

    private final ApiError error;

    public ApiErrorException(ApiError error) {
        super(error.message(), null, false, false);
        this.error = error;
    }

    public ApiErrorException(ErrorCode code, String message) {
        this(ApiError.of(code, message));
    }

    public ApiError error() {
        return error;
    }
}
