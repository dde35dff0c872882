package io.warmpath.enginesim.engine;

/** A generation cut short on purpose by {@link FaultSettings#cutAfterTokens()}. */
public final class StreamCutException extends RuntimeException {

    private final int tokensProduced;

    StreamCutException(int tokensProduced) {
        // No stack trace: the cut is planned, and the server logs nothing useful from one.
        super("stream cut by fault injection after " + tokensProduced + " tokens", null, false, false);
        this.tokensProduced = tokensProduced;
    }

    /** Tokens produced before the cut. */
    public int tokensProduced() {
        return tokensProduced;
    }
}
