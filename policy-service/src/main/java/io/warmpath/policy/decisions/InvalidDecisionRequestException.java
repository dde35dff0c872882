package io.warmpath.policy.decisions;

/** A batch the service cannot decide because of the caller's mistake: a 400 naming the field. */
public class InvalidDecisionRequestException extends RuntimeException {

    InvalidDecisionRequestException(String message) {
        super(message, null, false, false);
    }
}
