package io.warmpath.inference.openai;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.function.Predicate;

import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ApiErrorException;
import io.warmpath.contracts.errors.ErrorCode;
import io.warmpath.contracts.sessions.WireFormats;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A completion request checked just enough to turn client mistakes into a 400 here instead of an opaque engine error,
 * and rewritten only where the cell needs it ({@link #engineBody}): a stream always asks the engine for usage, every
 * request carries the cell's {@code cache_salt}, and a request of a session carries the completion limit its budget
 * was reserved for.
 *
 * @param endpoint         which completion API was called
 * @param model            the requested model, or {@code null} to let the engine pick its default
 * @param stream           whether the client asked for SSE
 * @param clientWantsUsage whether the client itself asked for the final usage chunk of a stream
 * @param maxTokens        the completion limit the client set ({@code max_completion_tokens} or {@code max_tokens}), or
 *                         {@code null} when it set none
 * @param choices          sequences the engine generates per prompt: the larger of {@code n} and {@code best_of}
 * @param prompts          prompts in the request: the size of a completion batch, else 1
 * @param body             the client's body, as validated: whole numbers written as fractions are integers, and a
 *                         stream asks for usage; read only from here on
 */
record CompletionRequest(Endpoint endpoint, String model, boolean stream, boolean clientWantsUsage, Integer maxTokens,
        int choices, int prompts, ObjectNode body) {

    /** The most sequences per prompt ({@code n}, {@code best_of}) the cell lets a request ask for. */
    static final int MAX_CHOICES = 128;

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

    /**
     * @param contextLength the context length of a model the engine serves ({@code null}: its default model), when
     *                      the engine reported one; a completion limit above it is a 400
     * @throws ApiErrorException a 400 for a client mistake
     */
    static CompletionRequest parse(Endpoint endpoint, byte[] body, JsonMapper json,
            Function<String, OptionalInt> contextLength) {
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
        String requestedModel = model.isString() ? model.stringValue() : null;
        // The whole-number fields, validated and written back as integers (a client may have written 12.0).
        Map<String, Integer> counts = new LinkedHashMap<>();
        OptionalInt context = contextLength.apply(requestedModel);
        Integer maxTokens = completionLimit(tree, "max_tokens", context, counts);
        Integer maxCompletionTokens = endpoint == Endpoint.CHAT
                ? completionLimit(tree, "max_completion_tokens", context, counts)
                : null;
        int choices = choices(endpoint, tree, counts);
        ObjectNode object = (ObjectNode) tree;
        counts.forEach(object::put);
        boolean streaming = stream.asBoolean(false);
        boolean clientWantsUsage = streamOptions.path("include_usage").asBoolean(false);
        if (streaming && !clientWantsUsage) {
            // The cell records usage for every stream; the client's own choice is honoured by the relay.
            object.withObject("stream_options").put("include_usage", true);
        }
        // Chat's newer max_completion_tokens wins over max_tokens, as in vLLM.
        return new CompletionRequest(endpoint, requestedModel, streaming, clientWantsUsage,
                maxCompletionTokens != null ? maxCompletionTokens : maxTokens, choices, prompts(endpoint, tree), object);
    }

    /** This request with another body (byte-stable tools, say), its validated fields unchanged. */
    CompletionRequest withBody(ObjectNode newBody) {
        return new CompletionRequest(endpoint, model, stream, clientWantsUsage, maxTokens, choices, prompts, newBody);
    }

    /**
     * The completion limit a turn of a session runs with: the client's, else {@code defaultLimit}. The cell reserves
     * for it and writes it into the engine body ({@link #engineBody}).
     */
    int completionLimit(int defaultLimit) {
        return maxTokens != null ? maxTokens : defaultLimit;
    }

    /**
     * The completion tokens a turn with {@code limit} may produce in all, which is what it reserves: vLLM generates up
     * to {@code limit} tokens for each sequence of each prompt.
     *
     * @throws ApiErrorException a 400 when that exceeds what one reservation can hold
     */
    long reservedCompletionTokens(int limit) {
        long tokens = (long) limit * choices * prompts;
        if (tokens > WireFormats.MAX_TOKENS_PER_REQUEST) {
            throw invalid("max_tokens", "times the sequences per prompt (n, best_of) and the prompts must be at most "
                    + WireFormats.MAX_TOKENS_PER_REQUEST + " tokens");
        }
        return tokens;
    }

    /**
     * The body to send the engine: the client's, with
     * <ul>
     *   <li>{@code cacheSalt} as {@code cache_salt}, replacing any the client sent: who shares the engine's prefix
     *       cache is the cell's decision ({@link CacheSalts});</li>
     *   <li>for a turn of a session, {@code completionLimit} as {@code max_tokens} and no {@code max_completion_tokens},
     *       so that the engine may generate exactly what was reserved: vLLM lets {@code max_completion_tokens} win
     *       over {@code max_tokens}, and its chat default is the whole remaining context. {@code max_tokens} rather
     *       than the newer name because every vLLM version honours it on both endpoints.</li>
     * </ul>
     *
     * @param completionLimit the reserved limit of a session's turn; {@code null} leaves the client's limits as sent
     */
    byte[] engineBody(String cacheSalt, Integer completionLimit, @Nullable Integer priority, JsonMapper json) {
        // A shallow copy: only top-level fields change, and the validated body stays as it was.
        ObjectNode engineBody = json.createObjectNode().setAll(body);
        engineBody.put("cache_salt", cacheSalt);
        if (priority != null) {
            // vLLM's: lower is scheduled first, when the engine schedules by priority.
            engineBody.put("priority", priority);
        }
        if (completionLimit != null) {
            engineBody.put("max_tokens", completionLimit);
            engineBody.remove("max_completion_tokens");
        }
        return json.writeValueAsBytes(engineBody);
    }

    /**
     * A completion limit the client set, or {@code null} for none (absent or {@code null}). It must be a whole number
     * from 1 to the model's context length (when the engine reported one): a string, a fraction, 0, a negative
     * number or more than the context could hold is the client's 400 here, not an engine error later.
     */
    private static Integer completionLimit(JsonNode tree, String field, OptionalInt contextLength,
            Map<String, Integer> counts) {
        if (contextLength.isPresent()) {
            return wholeNumber(tree, field, contextLength.getAsInt(),
                    "must be at most the model's context length, " + contextLength.getAsInt() + " tokens", counts);
        }
        return wholeNumber(tree, field, Integer.MAX_VALUE, "must be at most " + Integer.MAX_VALUE, counts);
    }

    /**
     * How many sequences the engine generates per prompt: the larger of {@code n} and {@code best_of} (vLLM generates
     * {@code best_of} and returns the best {@code n}), each a whole number from 1 to {@value #MAX_CHOICES}.
     * {@code best_of} is a field of vLLM's completions only, and may not be below {@code n} (vLLM's own 400).
     */
    private static int choices(Endpoint endpoint, JsonNode tree, Map<String, Integer> counts) {
        String range = "must be an integer from 1 to " + MAX_CHOICES;
        Integer n = wholeNumber(tree, "n", MAX_CHOICES, range, counts);
        int choices = n == null ? 1 : n;
        if (endpoint == Endpoint.CHAT) {
            if (tree.hasNonNull("best_of")) {
                throw new ApiErrorException(new ApiError(ErrorCode.UNSUPPORTED_FIELD,
                        "'best_of' is a field of /v1/completions only.", "best_of", null));
            }
            return choices;
        }
        Integer bestOf = wholeNumber(tree, "best_of", MAX_CHOICES, range, counts);
        if (bestOf != null && bestOf < choices) {
            throw invalid("best_of", "must be at least 'n' (" + choices + ")");
        }
        return bestOf == null ? choices : bestOf;
    }

    /** How many prompts a completion request carries: a batch (strings or token id arrays) has one per entry. */
    private static int prompts(Endpoint endpoint, JsonNode tree) {
        JsonNode prompt = tree.path("prompt");
        boolean batch = endpoint == Endpoint.COMPLETIONS && prompt.isArray() && !prompt.get(0).isNumber();
        return batch ? prompt.size() : 1;
    }

    /**
     * A whole-number field from 1 to {@code max}, or {@code null} when it is absent or {@code null}; anything else
     * (a string, a fraction, 0, a negative number, more than {@code max}) is a 400 naming it. A whole number written
     * as a fraction ({@code 12.0}) counts, as vLLM's own validation lets it; it goes into {@code counts} either way,
     * to reach the engine as an integer.
     */
    private static Integer wholeNumber(JsonNode tree, String field, int max, String aboveMax,
            Map<String, Integer> counts) {
        JsonNode value = tree.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        BigInteger number = null;
        if (value.isIntegralNumber()) {
            number = value.bigIntegerValue();
        }
        else if (value.isFloatingPointNumber() && value.canConvertToExactIntegral()) {
            number = value.decimalValue().toBigInteger();
        }
        if (number == null) {
            throw invalid(field, "must be an integer");
        }
        if (number.signum() < 1) {
            throw invalid(field, "must be at least 1");
        }
        if (number.compareTo(BigInteger.valueOf(max)) > 0) {
            throw invalid(field, aboveMax);
        }
        counts.put(field, number.intValue());
        return number.intValue();
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
