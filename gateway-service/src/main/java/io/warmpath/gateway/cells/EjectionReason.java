package io.warmpath.gateway.cells;

/** Why a call to a cell ejected it; the tag of the ejection counter. */
public enum EjectionReason {

    /** The connection was refused or timed out: nothing reached the cell. */
    CONNECT_FAILURE("connect_failure"),

    /** The cell answered 503 marked as its own: its engine is down or refusing. */
    UNAVAILABLE("unavailable"),

    /** The cell accepted the request and closed the connection before sending a response. */
    PREMATURE_CLOSE("premature_close");

    private final String tag;

    EjectionReason(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }
}
