package io.warmpath.inference.openai;

import java.util.function.Predicate;

import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ApiErrorException;
import io.warmpath.contracts.errors.ErrorCode;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A completion request checked just enough to turn client mistakes into a 400 here instead of an opaque engine error,
 * and rewritten only where the cell needs it: a stream always asks the engine for usage, and a request of a session
 * that sets no completion limit gets the one its budget was reserved for ({@link #withCompletionLimit}).
 *
 * @param endpoint         which completion API was called
 * @param model            the requested model, or {@code null} to let the engine pick its default
 * @param stream           whether the client asked for SSE
 * @param clientWantsUsage whether the client itself asked for the final usage chunk of a stream
 * @param maxTokens        the completion limit the client set ({@code max_completion_tokens} or {@code max_tokens}), or
 *                         {@code null} when it set none or one the engine will reject anyway (it judges those)
 * @param engineBody       the body to send to the engine: the client's bytes unless a rewrite was needed
 */
record CompletionRequest(Endpoint endpoint, String model, boolean stream, boolean clientWantsUsage, Integer maxTokens,
        byte[] engineBody) {

    /** The two completion APIs, each with the field that carries its prompt. */
    enum Endpoint {
        CHAT("/v1/chat/completions"),
        COMPLETIONS("/v1/completions");

        private final String path;

        Endpoint(String path) {
            this.path = path;
        }

        String path() {
            return path;
        }
    }

    static CompletionRequest parse(Endpoint endpoint, byte[] body, JsonMapper json) {
        JsonNode tree;
        try {
            tree = json.readTree(body);
        }
        catch (JacksonException malformed) {
            throw new ApiErrorException(ErrorCode.INVALID_JSON, "Request body is not valid JSON");
        }
        if (tree == null || !tree.isObject()) {
            throw new ApiErrorException(ErrorCode.INVALID_REQUEST_BODY, "Request body must be a JSON object");
        }
        switch (endpoint) {
            case CHAT -> requireMessages(tree);
            case COMPLETIONS -> requirePrompt(tree);
        }
        JsonNode model = tree.path("model");
        if (!model.isMissingNode() && !model.isNull() && !model.isString()) {
            throw invalid("model", "must be a string");
        }
        JsonNode stream = tree.path("stream");
        if (!stream.isMissingNode() && !stream.isNull() && !stream.isBoolean()) {
            throw invalid("stream", "must be a boolean");
        }
        JsonNode streamOptions = tree.path("stream_options");
        if (!streamOptions.isMissingNode() && !streamOptions.isNull() && !streamOptions.isObject()) {
            throw invalid("stream_options", "must be an object");
        }
        boolean streaming = stream.asBoolean(false);
        boolean clientWantsUsage = streamOptions.path("include_usage").asBoolean(false);
        byte[] engineBody = body;
        if (streaming && !clientWantsUsage) {
            // The cell records usage for every stream; the client's own choice is honoured by the relay.
            ((ObjectNode) tree).withObject("stream_options").put("include_usage", true);
            engineBody = json.writeValueAsBytes(tree);
        }
        return new CompletionRequest(endpoint, model.isString() ? model.stringValue() : null, streaming,
                clientWantsUsage, maxTokens(endpoint, tree), engineBody);
    }

    /**
     * This request with {@code limit} written into the engine body as {@code max_tokens} when the client set neither
     * {@code max_tokens} nor {@code max_completion_tokens}: vLLM's chat default is the whole remaining context, so
     * without it a reservation would not bound what the engine generates. A limit the client set, valid or not, stays.
     * {@code max_tokens} rather than the newer name because every vLLM version honours it on both endpoints.
     */
    CompletionRequest withCompletionLimit(int limit, JsonMapper json) {
        JsonNode tree = json.readTree(engineBody);
        if (isSet(tree, "max_tokens") || (endpoint == Endpoint.CHAT && isSet(tree, "max_completion_tokens"))) {
            return this;
        }
        ((ObjectNode) tree).put("max_tokens", limit);
        return new CompletionRequest(endpoint, model, stream, clientWantsUsage, limit, json.writeValueAsBytes(tree));
    }

    private static boolean isSet(JsonNode tree, String field) {
        return tree.hasNonNull(field);
    }

    /** Chat's newer {@code max_completion_tokens} wins over {@code max_tokens}, as in vLLM. */
    private static Integer maxTokens(Endpoint endpoint, JsonNode tree) {
        JsonNode limit = endpoint == Endpoint.CHAT && tree.hasNonNull("max_completion_tokens")
                ? tree.get("max_completion_tokens")
                : tree.path("max_tokens");
        return limit.isIntegralNumber() && limit.canConvertToInt() && limit.intValue() > 0 ? limit.intValue() : null;
    }

    private static void requireMessages(JsonNode tree) {
        JsonNode messages = tree.path("messages");
        if (!messages.isArray() || messages.isEmpty()) {
            throw invalid("messages", "must be a non-empty array");
        }
        for (JsonNode message : messages) {
            if (!message.isObject() || !message.path("role").isString()) {
                throw invalid("messages", "must hold objects with a string 'role'");
            }
        }
    }

    /**
     * vLLM's completion prompt: a string, token ids, a batch of strings or a batch of token id arrays (one kind per
     * request). Anything else is the client's mistake, found here rather than while counting the prompt.
     */
    private static void requirePrompt(JsonNode tree) {
        JsonNode prompt = tree.path("prompt");
        boolean present = (prompt.isString() && !prompt.stringValue().isEmpty())
                || (prompt.isArray() && !prompt.isEmpty());
        if (!present) {
            throw invalid("prompt", "must be a non-empty string or array");
        }
        if (prompt.isArray() && !(allMatch(prompt, CompletionRequest::isTokenId)
                || allMatch(prompt, JsonNode::isString)
                || allMatch(prompt, part -> part.isArray() && !part.isEmpty()
                        && allMatch(part, CompletionRequest::isTokenId)))) {
            throw invalid("prompt", "must be a string, an array of token ids, an array of strings or an array of "
                    + "non-empty token id arrays");
        }
    }

    private static ApiErrorException invalid(String field, String problem) {
        return new ApiErrorException(ApiError.invalidField(field, problem));
    }

    private static boolean allMatch(JsonNode array, Predicate<JsonNode> test) {
        for (JsonNode element : array) {
            if (!test.test(element)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isTokenId(JsonNode node) {
        return node.isIntegralNumber() && node.canConvertToInt() && node.intValue() >= 0;
    }
}
