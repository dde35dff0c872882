package io.warmpath.artifacts.store;

/** The S3 server of a region cannot be reached or answers with a server error: the call is worth retrying later. */
public final class StoreUnavailableException extends RuntimeException {

    StoreUnavailableException(String region, Throwable cause) {
        super("the artifact store of region " + region + " is unavailable", cause);
    }
}
