package io.warmpath.gateway.routing;

import java.util.Arrays;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpMethod;

/**
 * The OpenAI-compatible endpoints the gateway routes to cells, with the method each accepts (as the routes'
 * {@code Method} predicates in application.yml) and the body field each one requires.
 */
enum InferenceEndpoint {

    CHAT_COMPLETIONS("/v1/chat/completions", HttpMethod.POST, "messages"),
    COMPLETIONS("/v1/completions", HttpMethod.POST, "prompt"),
    EMBEDDINGS("/v1/embeddings", HttpMethod.POST, "input"),
    MODELS("/v1/models", HttpMethod.GET, null);

    private final String path;
    private final HttpMethod method;
    private final @Nullable String requiredInput;

    InferenceEndpoint(String path, HttpMethod method, @Nullable String requiredInput) {
        this.path = path;
        this.method = method;
        this.requiredInput = requiredInput;
    }

    String path() {
        return path;
    }

    static Optional<InferenceEndpoint> forPath(String path) {
        return Arrays.stream(values()).filter(endpoint -> endpoint.path.equals(path)).findFirst();
    }

    HttpMethod method() {
        return method;
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
