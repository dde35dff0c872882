package io.warmpath.enginesim.openai;

import io.warmpath.enginesim.ServedModel;
import io.warmpath.enginesim.tokens.ChatMessage;
import io.warmpath.enginesim.tokens.OutputGenerator;
import io.warmpath.enginesim.tokens.PromptTokenizer;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Validates OpenAI/vLLM request bodies and renders their prompts into tokens. Every client mistake becomes an
 * {@link OpenAiException} (400, or 404 for an unknown model).
 */
@Component
final class RequestParser {

    /** vLLM's completions default for {@code max_tokens}; also the simulated natural answer length (see below). */
    private static final int DEFAULT_MAX_TOKENS = 16;
    /** vLLM's limit on {@code cache_salt}, in characters (code points, as Python counts them). */
    private static final int MAX_CACHE_SALT_LENGTH = 128;

    private final ServedModel servedModel;
    static final int DEFAULT_EMBEDDING_DIMENSIONS = 256;
    static final int MAX_EMBEDDING_DIMENSIONS = 4096;

    private final PromptTokenizer tokenizer;
    private final ToolCallPlanner toolCallPlanner;

    RequestParser(ServedModel servedModel, PromptTokenizer tokenizer) {
        this.servedModel = servedModel;
        this.tokenizer = tokenizer;
        this.toolCallPlanner = new ToolCallPlanner(tokenizer);
    }

    /** A {@code /v1/chat/completions} body. */
    InferenceRequest parseChat(String body) {
        JsonNode json = OpenAiJson.readObject(body);
        String cacheSalt = cacheSalt(json);
        String model = model(json);
        requireSingleChoice(json);
        int[] prompt = chatPrompt(json, true);
        String limitField = json.hasNonNull("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
        int maxTokens = json.hasNonNull(limitField) ? maxTokens(json, limitField) : chatDefaultLength(json, prompt);
        PlannedToolCall toolCall = toolCallPlanner.plan(json.path("tools"), json.path("tool_choice"),
                OutputGenerator.seedOf(prompt));
        int outputTokens = toolCall != null ? toolCall.tokens() : maxTokens;
        return request(json, model, prompt, outputTokens, toolCall, cacheSalt);
    }

    /**
     * A chat without a completion limit, as in vLLM: the limit is the rest of the context ({@code max_model_len}
     * minus the prompt), and a prompt that leaves no room is a 400. vLLM then stops at the model's end of sequence;
     * the simulated one comes after {@value #DEFAULT_MAX_TOKENS} tokens (or the rest of the context, if shorter), and
     * with {@code ignore_eos} the answer runs to the end of the context.
     */
    private int chatDefaultLength(JsonNode json, int[] prompt) {
        int rest = servedModel.maxModelLen() - prompt.length;
        if (rest < 1) {
            throw OpenAiException.badRequest("context_length_exceeded", "This model's maximum context length is "
                    + servedModel.maxModelLen() + " tokens. However, your messages resulted in " + prompt.length
                    + " tokens. Please reduce the length of the messages.");
        }
        return flag(json, "ignore_eos", false) ? rest : Math.min(DEFAULT_MAX_TOKENS, rest);
    }

    /**
     * A {@code /v1/completions} body. {@code prompt} is a string, a list of token ids, or a list of strings, which
     * are concatenated into one prompt (one choice; vLLM would batch them).
     */
    InferenceRequest parseCompletion(String body) {
        JsonNode json = OpenAiJson.readObject(body);
        String cacheSalt = cacheSalt(json);
        String model = model(json);
        requireSingleChoice(json);
        int[] prompt = completionPrompt(json.path("prompt"));
        return request(json, model, prompt, maxTokens(json, "max_tokens"), null, cacheSalt);
    }

    /**
     * A {@code /tokenize} body: {@code prompt}, or {@code messages} (plus optional tools, add_generation_prompt).
     * Any {@code cache_salt} is ignored, as vLLM's tokenize request has no such field: a salt changes which cached
     * blocks a prompt may reuse, not its tokens.
     */
    int[] parseTokenize(String body) {
        JsonNode json = OpenAiJson.readObject(body);
        model(json);
        if (json.has("messages")) {
            return chatPrompt(json, flag(json, "add_generation_prompt", true));
        }
        return completionPrompt(json.path("prompt"));
    }

    private InferenceRequest request(JsonNode json, String model, int[] prompt, int outputTokens,
                                     PlannedToolCall toolCall, String cacheSalt) {
        long needed = (long) prompt.length + outputTokens;
        if (needed > servedModel.maxModelLen()) {
            throw OpenAiException.badRequest("context_length_exceeded", "This model's maximum context length is "
                    + servedModel.maxModelLen() + " tokens. However, you requested " + needed + " tokens ("
                    + prompt.length + " in the messages, " + outputTokens + " in the completion). "
                    + "Please reduce the length of the messages or completion.");
        }
        JsonNode streamOptions = json.path("stream_options");
        return new InferenceRequest(model, prompt, outputTokens, flag(json, "stream", false),
                flag(streamOptions, "include_usage", false), flag(json, "ignore_eos", false), toolCall, cacheSalt);
    }

    /**
     * vLLM's {@code cache_salt} check ({@code validate_cache_salt}), which vLLM runs before the request's fields are
     * validated, so it comes first here too: absent or null means no salt; otherwise a non-empty string of at most
     * {@value #MAX_CACHE_SALT_LENGTH} characters without {@code @}, {@code /}, {@code \} or NUL. The messages are
     * vLLM's (whose second one prints the backslash doubled) and never quote the salt, which is meant to be secret.
     */
    private static String cacheSalt(JsonNode json) {
        JsonNode value = json.path("cache_salt");
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        if (!value.isString() || value.stringValue().isEmpty()) {
            throw OpenAiException.invalidParameter("cache_salt",
                    "Parameter 'cache_salt' must be a non-empty string if provided.");
        }
        String salt = value.stringValue();
        if (salt.codePointCount(0, salt.length()) > MAX_CACHE_SALT_LENGTH
                || salt.chars().anyMatch(RequestParser::forbiddenInCacheSalt)) {
            throw OpenAiException.invalidParameter("cache_salt", "Parameter 'cache_salt' must be at most "
                    + MAX_CACHE_SALT_LENGTH + " characters and must not contain '@', '/', '\\', or NUL.");
        }
        return salt;
    }

    /** vLLM's forbidden characters, rejected "before they reach downstream cache backends". */
    private static boolean forbiddenInCacheSalt(int character) {
        return character == '@' || character == '/' || character == '\\' || character == 0;
    }

    /** The requested model; vLLM falls back to the served model when none is given. */
    String model(JsonNode json) {
        JsonNode model = json.path("model");
        if (model.isMissingNode() || model.isNull()) {
            return servedModel.primaryName();
        }
        if (!model.isString()) {
            throw OpenAiException.badRequest("invalid_request", "`model` must be a string.");
        }
        if (!servedModel.serves(model.stringValue())) {
            throw OpenAiException.modelNotFound(model.stringValue());
        }
        return model.stringValue();
    }

    private int[] chatPrompt(JsonNode json, boolean addGenerationPrompt) {
        JsonNode messages = json.path("messages");
        if (!messages.isArray() || messages.isEmpty()) {
            throw OpenAiException.badRequest("invalid_request", "`messages` must be a non-empty array.");
        }
        List<ChatMessage> chat = new ArrayList<>(messages.size());
        for (JsonNode message : messages) {
            chat.add(chatMessage(message));
        }
        return tokenizer.encodeChat(chat, toolJsons(json.path("tools")), addGenerationPrompt);
    }

    /** Flattens a message: text parts joined by newlines, other parts, tool calls and tool call ids as JSON. */
    private static ChatMessage chatMessage(JsonNode message) {
        JsonNode role = message.path("role");
        if (!message.isObject() || !role.isString() || role.stringValue().isBlank()) {
            throw OpenAiException.badRequest("invalid_request", "Every message needs a string `role`.");
        }
        JsonNode content = message.path("content");
        StringBuilder text = new StringBuilder();
        if (content.isString()) {
            text.append(content.stringValue());
        } else if (content.isArray()) {
            for (JsonNode part : content) {
                if (!text.isEmpty()) {
                    text.append('\n');
                }
                if ("text".equals(part.path("type").stringValue(null)) && part.path("text").isString()) {
                    text.append(part.path("text").stringValue());
                } else {
                    text.append(OpenAiJson.canonical(part));
                }
            }
        } else if (!content.isMissingNode() && !content.isNull()) {
            throw OpenAiException.badRequest("invalid_request", "Message `content` must be a string or an array.");
        }
        if (message.path("tool_call_id").isString()) {
            text.insert(0, "[tool_call_id " + message.path("tool_call_id").stringValue() + "]\n");
        }
        if (message.path("tool_calls").isArray()) {
            text.append(text.isEmpty() ? "" : "\n").append(OpenAiJson.canonical(message.path("tool_calls")));
        }
        return new ChatMessage(role.stringValue(), text.toString());
    }

    private static List<String> toolJsons(JsonNode tools) {
        if (tools.isMissingNode() || tools.isNull()) {
            return List.of();
        }
        if (!tools.isArray()) {
            throw OpenAiException.badRequest("invalid_request", "`tools` must be an array.");
        }
        List<String> jsons = new ArrayList<>(tools.size());
        for (JsonNode tool : tools) {
            if (!tool.path("function").path("name").isString()) {
                throw OpenAiException.badRequest("invalid_request", "Every tool needs `function.name`.");
            }
            jsons.add(OpenAiJson.canonical(tool));
        }
        return jsons;
    }

    /**
     * An embeddings request as vLLM's {@code /v1/embeddings} takes it: {@code input} a string, a list of strings, a
     * list of token ids or a list of such lists, each one input; optional {@code dimensions} (1 to
     * {@value #MAX_EMBEDDING_DIMENSIONS}) and {@code encoding_format} ({@code float} or {@code base64}).
     */
    EmbeddingRequest parseEmbeddings(String body) {
        JsonNode json = OpenAiJson.readObject(body);
        String model = model(json);
        JsonNode input = json.path("input");
        List<int[]> inputs = new ArrayList<>();
        if (input.isString() || (input.isArray() && !input.isEmpty() && input.get(0).isIntegralNumber())) {
            inputs.add(embeddingInput(input));
        } else if (input.isArray() && !input.isEmpty()) {
            for (JsonNode each : input) {
                inputs.add(embeddingInput(each));
            }
        } else {
            throw OpenAiException.invalidParameter("input",
                    "`input` must be a string, a list of strings, a list of token ids or a list of such lists.");
        }
        JsonNode dimensions = json.path("dimensions");
        int size = DEFAULT_EMBEDDING_DIMENSIONS;
        if (!dimensions.isMissingNode() && !dimensions.isNull()) {
            if (!dimensions.isIntegralNumber() || !dimensions.canConvertToInt() || dimensions.intValue() < 1
                    || dimensions.intValue() > MAX_EMBEDDING_DIMENSIONS) {
                throw OpenAiException.invalidParameter("dimensions",
                        "`dimensions` must be an integer from 1 to " + MAX_EMBEDDING_DIMENSIONS + ".");
            }
            size = dimensions.intValue();
        }
        String format = json.path("encoding_format").asString("float");
        if (!format.equals("float") && !format.equals("base64")) {
            throw OpenAiException.invalidParameter("encoding_format", "`encoding_format` must be float or base64.");
        }
        return new EmbeddingRequest(model, List.copyOf(inputs), size, format.equals("base64"));
    }

    private int[] embeddingInput(JsonNode input) {
        int[] tokens;
        if (input.isString()) {
            tokens = tokenizer.encode(input.stringValue());
        } else if (input.isArray()) {
            tokens = new int[input.size()];
            for (int index = 0; index < tokens.length; index++) {
                JsonNode token = input.get(index);
                if (!token.isIntegralNumber() || !token.canConvertToInt() || token.intValue() < 0) {
                    throw OpenAiException.invalidParameter("input", "A token-id input must hold non-negative integers.");
                }
                tokens[index] = token.intValue();
            }
        } else {
            throw OpenAiException.invalidParameter("input", "Each input must be a string or a list of token ids.");
        }
        if (tokens.length == 0) {
            throw OpenAiException.invalidParameter("input", "An input must not be empty.");
        }
        if (tokens.length > servedModel.maxModelLen()) {
            throw OpenAiException.badRequest("context_length_exceeded", "This model's maximum context length is "
                    + servedModel.maxModelLen() + " tokens. However, an input has " + tokens.length + " tokens.");
        }
        return tokens;
    }

    private int[] completionPrompt(JsonNode prompt) {
        int[] tokens;
        if (prompt.isString()) {
            tokens = tokenizer.encode(prompt.stringValue());
        } else if (prompt.isArray() && !prompt.isEmpty() && prompt.get(0).isIntegralNumber()) {
            tokens = new int[prompt.size()];
            for (int index = 0; index < tokens.length; index++) {
                JsonNode token = prompt.get(index);
                if (!token.isIntegralNumber() || !token.canConvertToInt() || token.intValue() < 0) {
                    throw OpenAiException.badRequest("invalid_request", "A token-id prompt must hold non-negative integers.");
                }
                tokens[index] = token.intValue();
            }
        } else if (prompt.isArray() && !prompt.isEmpty()) {
            StringBuilder text = new StringBuilder();
            for (JsonNode part : prompt) {
                if (!part.isString()) {
                    throw OpenAiException.badRequest("invalid_request", "`prompt` must be a string or a list of strings.");
                }
                text.append(part.stringValue());
            }
            tokens = tokenizer.encode(text.toString());
        } else {
            throw OpenAiException.badRequest("invalid_request",
                    "`prompt` must be a string, a list of strings or a list of token ids.");
        }
        if (tokens.length == 0) {
            throw OpenAiException.badRequest("invalid_request", "The prompt is empty.");
        }
        return tokens;
    }

    private int maxTokens(JsonNode json, String field) {
        JsonNode value = json.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return DEFAULT_MAX_TOKENS;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 1
                || value.intValue() > servedModel.maxModelLen()) {
            throw OpenAiException.badRequest("invalid_request", "`" + field + "` must be an integer from 1 to "
                    + servedModel.maxModelLen() + ".");
        }
        return value.intValue();
    }

    private static void requireSingleChoice(JsonNode json) {
        JsonNode n = json.path("n");
        if (!n.isMissingNode() && !n.isNull() && !(n.isIntegralNumber() && n.canConvertToInt() && n.intValue() == 1)) {
            throw OpenAiException.badRequest("invalid_request", "Only `n` = 1 is supported.");
        }
    }

    private static boolean flag(JsonNode json, String field, boolean fallback) {
        JsonNode value = json.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return fallback;
        }
        if (!value.isBoolean()) {
            throw OpenAiException.badRequest("invalid_request", "`" + field + "` must be a boolean.");
        }
        return value.booleanValue();
    }
}
