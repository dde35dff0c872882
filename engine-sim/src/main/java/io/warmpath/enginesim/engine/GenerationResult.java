package io.warmpath.enginesim.engine;

/**
 * Outcome of a finished generation. Times are model seconds (simulated time, independent of the time scale).
 *
 * @param promptTokens     prompt length
 * @param cachedTokens     prompt tokens served from the prefix cache (whole blocks, always below the prompt length)
 * @param completionTokens output tokens produced
 * @param arrivalSeconds   model time the engine received the request
 * @param queueSeconds     time spent waiting for a running slot ({@code max-num-seqs})
 * @param ttftSeconds      arrival to first token: queue + prefill (shared) + overhead (+ stall fault)
 * @param e2eSeconds       arrival to last token
 */
public record GenerationResult(
        int promptTokens,
        int cachedTokens,
        int completionTokens,
        double arrivalSeconds,
        double queueSeconds,
        double ttftSeconds,
        double e2eSeconds) {
}
