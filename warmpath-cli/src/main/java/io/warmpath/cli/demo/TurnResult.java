package io.warmpath.cli.demo;

/**
 * What one turn of the demo observed on the client.
 *
 * @param session          the session's {@code x-session-affinity} value
 * @param turn             1-based turn number within the session
 * @param cell             the cell response header ({@code WarmpathHeaders.CELL}), {@code "?"} when absent
 * @param promptTokens     {@code usage.prompt_tokens}
 * @param cachedTokens     {@code usage.prompt_tokens_details.cached_tokens} (0 when absent)
 * @param completionTokens {@code usage.completion_tokens}
 * @param ttftMillis       time from sending the request to the first content delta; -1 when none arrived
 * @param error            why the turn failed, or {@code null} when it succeeded
 */
public record TurnResult(String session, int turn, String cell, long promptTokens, long cachedTokens,
                         long completionTokens, long ttftMillis, String error) {

    static final String UNKNOWN_CELL = "?";

    static TurnResult succeeded(String session, int turn, String cell, long promptTokens, long cachedTokens,
                                long completionTokens, long ttftMillis) {
        return new TurnResult(session, turn, cell, promptTokens, cachedTokens, completionTokens, ttftMillis, null);
    }

    static TurnResult failed(String session, int turn, String cell, String error) {
        return new TurnResult(session, turn, cell, 0, 0, 0, -1, error);
    }

    public boolean succeeded() {
        return error == null;
    }
}
