package io.warmpath.inference.openai;

import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ErrorCode;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Puts the engine's error bodies into the OpenAI envelope {@code {"error": {...}}}. Current vLLM already answers so;
 * older versions answer flat ({@code {"object":"error","message","type","param","code"}}), which OpenAI SDKs do not
 * read as an error message.
 */
final class EngineErrors {

    private EngineErrors() {
    }

    /**
     * @param body   the engine's error body (any bytes)
     * @param status its HTTP status, for the message when the body says nothing usable
     * @return the body in the envelope: unchanged when it already was one
     */
    static byte[] envelope(byte[] body, int status, JsonMapper json) {
        JsonNode tree;
        try {
            tree = json.readTree(body);
        }
        catch (JacksonException notJson) {
            tree = null;
        }
        if (tree != null && tree.path("error").isObject()) {
            return body;
        }
        if (isFlatError(tree)) {
            return json.writeValueAsBytes(wrap(tree, json));
        }
        return json.writeValueAsBytes(ApiError.of(ErrorCode.ENGINE_REJECTED,
                "The engine rejected the request with status " + status).body());
    }

    /** A stream chunk that reports an error, in either shape. */
    static boolean isError(JsonNode chunk) {
        return chunk.has("error") || isFlatError(chunk);
    }

    /** The chunk in the envelope, or {@code null} when it already was one (or is no error). */
    static ObjectNode normalisedOrNull(JsonNode chunk, JsonMapper json) {
        return !chunk.has("error") && isFlatError(chunk) ? wrap(chunk, json) : null;
    }

    private static boolean isFlatError(JsonNode tree) {
        return tree != null && tree.isObject() && "error".equals(tree.path("object").asString(""))
                && tree.path("message").isString();
    }

    /** Keeps the engine's own message, type, param and code; drops only the {@code object} marker. */
    private static ObjectNode wrap(JsonNode flat, JsonMapper json) {
        ObjectNode error = ((ObjectNode) flat).deepCopy();
        error.remove("object");
        ObjectNode envelope = json.createObjectNode();
        envelope.set("error", error);
        return envelope;
    }
}
