package io.warmpath.inference.session;

/**
 * Session-service refused a reservation: 400 when the prompt breaks a context limit, 429 when the budget is spent,
 * 404 when the session was closed (or never existed). The client gets the same status with session-service's
 * message and code.
 */
public class ReservationRefusedException extends RuntimeException {

    private final int status;
    private final String type;
    private final String code;

    ReservationRefusedException(int status, String message, String type, String code) {
        super(message);
        this.status = status;
        this.type = type;
        this.code = code;
    }

    /** The HTTP status session-service answered, and the client gets. */
    public int status() {
        return status;
    }

    /** The OpenAI error type, e.g. {@code invalid_request_error}. */
    public String type() {
        return type;
    }

    /** The OpenAI error code, e.g. {@code budget_exceeded} or {@code context_length_exceeded}. */
    public String code() {
        return code;
    }
}
