package io.warmpath.inference.policy;

/** policy-service could not decide (error, timeout, unreachable): the request is refused, fail closed. */
public class PolicyUnavailableException extends RuntimeException {

    public PolicyUnavailableException(String cause) {
        super(cause, null, false, false);
    }
}
