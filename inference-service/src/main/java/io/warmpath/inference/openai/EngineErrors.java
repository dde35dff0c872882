package io.warmpath.inference.openai;

import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ErrorCode;
import io.warmpath.redaction.Redactor;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Puts the engine's error bodies into the OpenAI envelope {@code {"error": {...}}}. Current vLLM already answers so;
 * older versions answer flat ({@code {"object":"error","message","type","param","code"}}), which OpenAI SDKs do not
 * read as an error message. The message is redacted on the way ({@link Redactor#standard()}): an engine's validation
 * error can quote what the request carried, a key or an address pasted into a prompt, say.
 */
final class EngineErrors {

    private EngineErrors() {
    }

    /**
     * @param body   the engine's error body (any bytes)
     * @param status its HTTP status, for the message when the body says nothing usable
     * @return the body in the envelope, its message redacted: unchanged when it already was one with nothing to redact
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
            return redactMessage((ObjectNode) tree.get("error")) ? json.writeValueAsBytes(tree) : body;
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

    /**
     * An error chunk as the client may see it: in the envelope, its message redacted; {@code null} when the chunk
     * already is so (or is no error).
     */
    static ObjectNode normalisedOrNull(JsonNode chunk, JsonMapper json) {
        if (!chunk.has("error")) {
            return isFlatError(chunk) ? wrap(chunk, json) : null;
        }
        ObjectNode copy = (ObjectNode) chunk.deepCopy();
        JsonNode error = copy.get("error");
        boolean redacted = error.isObject() ? redactMessage((ObjectNode) error) : redactText(copy, "error");
        return redacted ? copy : null;
    }

    private static boolean isFlatError(JsonNode tree) {
        return tree != null && tree.isObject() && "error".equals(tree.path("object").asString(""))
                && tree.path("message").isString();
    }

    /** Keeps the engine's own message (redacted), type, param and code; drops only the {@code object} marker. */
    private static ObjectNode wrap(JsonNode flat, JsonMapper json) {
        ObjectNode error = ((ObjectNode) flat).deepCopy();
        error.remove("object");
        redactMessage(error);
        ObjectNode envelope = json.createObjectNode();
        envelope.set("error", error);
        return envelope;
    }

    /** Redacts the error's {@code message}; whether anything was found. */
    private static boolean redactMessage(ObjectNode error) {
        return redactText(error, "message");
    }

    private static boolean redactText(ObjectNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isString()) {
            return false;
        }
        String redacted = Redactor.standard().redact(value.stringValue());
        if (redacted.equals(value.stringValue())) {
            return false;
        }
        node.put(field, redacted);
        return true;
    }
}
