package io.warmpath.gateway.routing;

import java.util.Arrays;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/** The OpenAI-compatible endpoints the gateway routes to cells, with the body field each one requires. */
enum InferenceEndpoint {

    CHAT_COMPLETIONS("/v1/chat/completions", "messages"),
    COMPLETIONS("/v1/completions", "prompt"),
    MODELS("/v1/models", null);

    private final String path;
    private final @Nullable String requiredInput;

    InferenceEndpoint(String path, @Nullable String requiredInput) {
        this.path = path;
        this.requiredInput = requiredInput;
    }

    static Optional<InferenceEndpoint> forPath(String path) {
        return Arrays.stream(values()).filter(endpoint -> endpoint.path.equals(path)).findFirst();
    }

    /** Whether requests carry a JSON body to validate and route by; {@code /v1/models} does not. */
    boolean hasBody() {
        return requiredInput != null;
    }

    /** The field that must be a non-empty string or array: {@code messages} for chat, {@code prompt} for completions. */
    @Nullable String requiredInput() {
        return requiredInput;
    }
}
