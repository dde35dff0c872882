package io.warmpath.bench.replay;

/**
 * What happened to one turn in a replay. Times are model seconds.
 *
 * @param turn             index of the turn in its workload
 * @param cell             index of the cell that served it
 * @param promptTokens     prompt length
 * @param cachedTokens     prompt tokens served from the cell's prefix cache
 * @param completionTokens output tokens
 * @param arrivalSeconds   when it arrived
 * @param ttftSeconds      arrival to first token
 * @param e2eSeconds       arrival to last token
 */
public record TurnOutcome(int turn, int cell, int promptTokens, int cachedTokens, int completionTokens,
                          double arrivalSeconds, double ttftSeconds, double e2eSeconds) {

    public int uncachedTokens() {
        return promptTokens - cachedTokens;
    }
}
