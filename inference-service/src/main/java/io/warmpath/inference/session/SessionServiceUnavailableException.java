package io.warmpath.inference.session;

/**
 * Session-service could not decide a reservation (unreachable, too slow, or failing). The request fails closed: a
 * budget that cannot be checked is not spent.
 */
public class SessionServiceUnavailableException extends RuntimeException {

    private final boolean mayHaveReserved;

    SessionServiceUnavailableException(String message, Throwable cause) {
        this(message, cause, true);
    }

    SessionServiceUnavailableException(String message, Throwable cause, boolean mayHaveReserved) {
        super(message, cause);
        this.mayHaveReserved = mayHaveReserved;
    }

    /** False only when session-service said it turned the call away before running it (load shedding). */
    boolean mayHaveReserved() {
        return mayHaveReserved;
    }
}
