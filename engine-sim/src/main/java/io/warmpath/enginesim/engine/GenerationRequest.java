package io.warmpath.enginesim.engine;

import java.util.Objects;

/**
 * One generation for the {@link SimulatedEngine}: the prompt's token ids, how many tokens to produce, and the
 * prompt's cache salt. The simulator always produces exactly {@code maxTokens} tokens (as vLLM does with
 * {@code ignore_eos}); a {@linkplain FaultSettings#cutAfterTokens() cut} fault may end it earlier with an error.
 *
 * @param promptTokens prompt token ids (not copied; do not modify after submitting)
 * @param maxTokens    output tokens to produce, at least 1
 * @param cacheSalt    vLLM's {@code cache_salt}: the prompt reuses only prefix-cache blocks cached under the same
 *                     salt; null (or empty, as in vLLM's hashing) for none. Validation of its form belongs to the
 *                     API layer; the engine takes any string.
 */
public record GenerationRequest(int[] promptTokens, int maxTokens, String cacheSalt) {

    public GenerationRequest {
        Objects.requireNonNull(promptTokens, "promptTokens");
        if (promptTokens.length == 0) {
            throw new IllegalArgumentException("the prompt must have at least one token");
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be at least 1");
        }
    }

    /** An unsalted generation. */
    public GenerationRequest(int[] promptTokens, int maxTokens) {
        this(promptTokens, maxTokens, null);
    }
}
