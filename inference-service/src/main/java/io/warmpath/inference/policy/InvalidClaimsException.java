package io.warmpath.inference.policy;

/**
 * policy-service refused the question itself: the caller's claims (a clearance or region it cannot work with) are
 * not usable. The client's mistake, not an outage: a 400.
 */
public class InvalidClaimsException extends RuntimeException {

    InvalidClaimsException(String reason) {
        super(reason, null, false, false);
    }
}
