package io.warmpath.gateway.tools;

/** The egress guard refused a URL; nothing was sent. The message names the reason, never the response of anyone. */
final class EgressRefusedException extends RuntimeException {

    /** Why, as a metric tag. */
    enum Reason { UNSUPPORTED_URL, NOT_ALLOWLISTED, METADATA_HOST, UNRESOLVABLE, FORBIDDEN_ADDRESS }

    private final Reason reason;

    EgressRefusedException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    Reason reason() {
        return reason;
    }
}
