package io.warmpath.enginesim.engine;

/** A request failed on purpose by {@link FaultSettings#failNext()}. */
public final class InjectedFaultException extends RuntimeException {

    private final int status;

    InjectedFaultException(int status) {
        super("injected fault (HTTP " + status + ")");
        this.status = status;
    }

    /** The HTTP status the request should fail with. */
    public int status() {
        return status;
    }
}
