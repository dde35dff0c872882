package io.warmpath.inference.session;

/**
 * Session-service could not decide a reservation (unreachable, too slow, or failing). The request fails closed: a
 * budget that cannot be checked is not spent.
 */
public class SessionServiceUnavailableException extends RuntimeException {

    SessionServiceUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
