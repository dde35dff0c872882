package io.warmpath.gateway.routing;

import java.util.Arrays;
import java.util.Optional;

import org.springframework.http.HttpMethod;

/**
 * The OpenAI-compatible endpoints the gateway routes to cells, with the method each accepts (as the routes'
 * {@code Method} predicates in application.yml) and the body field each one requires.
 */
enum InferenceEndpoint {

    CHAT_COMPLETIONS("/v1/chat/completions", HttpMethod.POST, "messages"),
    COMPLETIONS("/v1/completions", HttpMethod.POST, "prompt"),
    EMBEDDINGS("/v1/embeddings", HttpMethod.POST, "input");

    private final String path;
    private final HttpMethod method;
    private final String requiredInput;

    InferenceEndpoint(String path, HttpMethod method, String requiredInput) {
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

    /** The field that must be a non-empty string or array: {@code messages} for chat, {@code prompt} for completions. */
    String requiredInput() {
        return requiredInput;
    }
}
