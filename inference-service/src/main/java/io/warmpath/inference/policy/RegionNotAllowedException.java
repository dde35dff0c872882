package io.warmpath.inference.policy;

/** policy-service denied processing this request's data in this cell's region. */
public class RegionNotAllowedException extends RuntimeException {

    public RegionNotAllowedException(String reason) {
        super(reason, null, false, false);
    }
}
