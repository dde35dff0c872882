package io.warmpath.inference.openai;

import java.util.Optional;

import tools.jackson.databind.JsonNode;

/**
 * Token counts of one completion, read from the engine's {@code usage}; {@code cached} comes from
 * {@code prompt_tokens_details.cached_tokens} (vLLM with {@code --enable-prompt-tokens-details}) and is 0 when absent.
 */
record TokenUsage(long prompt, long cached, long completion) {

    /** Prompt and completion: what a token rate limit counts. */
    long total() {
        return prompt + completion;
    }

    static Optional<TokenUsage> from(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return Optional.empty();
        }
        return Optional.of(new TokenUsage(
                usage.path("prompt_tokens").asLong(0),
                usage.path("prompt_tokens_details").path("cached_tokens").asLong(0),
                usage.path("completion_tokens").asLong(0)));
    }
}
