package io.warmpath.enginesim.engine;

/**
 * Receives a generation's progress. Called on the engine's event loop: return quickly and do not block.
 * Exactly one of {@link #onComplete} and {@link #onError} ends every generation that was not cancelled.
 */
public interface GenerationListener {

    /** The request has a running slot and its cache lookup is done (before prefill starts). */
    default void onAdmitted(int promptTokens, int cachedTokens) {
    }

    /** Output token {@code index} (0-based) is produced, at model time {@code atSeconds}. */
    default void onToken(int index, double atSeconds) {
    }

    /** All tokens are produced. */
    void onComplete(GenerationResult result);

    /** The generation failed: an {@link InjectedFaultException} or a {@link StreamCutException}. */
    void onError(RuntimeException error);
}
