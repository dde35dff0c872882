package io.warmpath.artifacts.store;

/** An upload the store refused before anything of it became visible: too large, or not the bytes announced. */
public final class ContentRejectedException extends RuntimeException {

    /** Why: the body went past the size limit, or its SHA-256 is not the one announced. */
    public enum Reason { TOO_LARGE, HASH_MISMATCH }

    private final Reason reason;

    ContentRejectedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
