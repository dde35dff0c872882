package io.warmpath.enginesim.openai;

/**
 * A validated chat or text completion request.
 *
 * @param model        the served model name the client asked for
 * @param promptTokens rendered and tokenised prompt
 * @param maxTokens    output tokens to produce (for a tool call: the tokens of the call)
 * @param stream       whether to answer with SSE
 * @param includeUsage whether a streamed answer ends with a usage chunk
 * @param ignoreEos    vLLM's ignore_eos; decides only the finish reason, output length is always maxTokens
 * @param toolCall     the tool call to return, or null for text
 * @param cacheSalt    vLLM's cache_salt, validated; null when the request has none
 */
record InferenceRequest(
        String model,
        int[] promptTokens,
        int maxTokens,
        boolean stream,
        boolean includeUsage,
        boolean ignoreEos,
        PlannedToolCall toolCall,
        String cacheSalt) {

    /** "length" with ignore_eos (vLLM stops at max_tokens); otherwise the simulated EOS lands exactly there. */
    String textFinishReason() {
        return ignoreEos ? "length" : "stop";
    }
}
