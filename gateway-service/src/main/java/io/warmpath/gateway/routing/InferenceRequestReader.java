package io.warmpath.gateway.routing;

import java.util.ArrayList;
import java.util.List;

import io.warmpath.contracts.CanonicalJson;
import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ApiErrorException;
import io.warmpath.contracts.errors.ErrorCode;
import io.warmpath.routing.RoutingKeys;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads an inference request body once: validates what routing needs and derives the routing key.
 *
 * <p>With an affinity value the key is the session's, scoped by tenant. Without one it is the prompt skeleton's,
 * also scoped by tenant (so that cache timing reveals nothing across tenants): the model, the text of the leading
 * system and developer messages (the prefix every turn repeats; a system message later in the conversation belongs
 * to the history, not the skeleton) and each tool as canonical JSON with sorted keys, so that clients serialising the
 * same tools differently still share a key and a warm cache.
 */
final class InferenceRequestReader {

    /** A mapper of our own, so the canonical form of tools does not move with application Jackson settings. */
    // Not Boot's mapper: routing keys are canonical JSON, and a spring.jackson setting must not move every session.
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Above vLLM's own limits on choices; a request asking for more is a mistake, not a workload. */
    static final int MAX_CHOICES = 128;
    private static final String PROMPT_CACHE_KEY = "prompt_cache_key";
    /** The longest session value session-service takes, header or body. */
    private static final int MAX_SESSION_KEY = 512;


    private final RequestFields fields;

    InferenceRequestReader(RequestFields fields) {
        this.fields = fields;
    }

    /**
     * @param tenant   the caller's tenant, from its token
     * @param affinity the {@code x-session-affinity} value, or {@code null}: then a chat request's
     *                 {@code prompt_cache_key} (OpenAI's own cache-routing field) names the session, as the header
     *                 would
     * @throws ApiErrorException (400) when the body is not JSON, not an object, lacks what the endpoint requires,
     *                           has a field the endpoint does not take, a completion limit or choice count that is
     *                           not a positive whole number, or a chat message that is not an object with a string
     *                           {@code role}
     */
    RoutingTarget read(InferenceEndpoint endpoint, byte[] body, String tenant, @Nullable String affinity) {
        JsonNode root = parse(body);
        fields.check(endpoint, root);
        requireCount(root, "max_tokens", Integer.MAX_VALUE);
        requireCount(root, "max_completion_tokens", Integer.MAX_VALUE);
        requireCount(root, "n", MAX_CHOICES);
        requireCount(root, "best_of", MAX_CHOICES);
        JsonNode model = root.get("model");
        if (model == null || !model.isString() || model.stringValue().isBlank()) {
            throw invalid(ErrorCode.MISSING_REQUIRED_PARAMETER, "model",
                    "'model' is required and must be a non-empty string.");
        }
        String input = endpoint.requiredInput();
        if (!isNonEmptyInput(root.get(input))) {
            throw invalid(ErrorCode.MISSING_REQUIRED_PARAMETER, input, "'" + input + "' is required and must not be empty.");
        }
        if (endpoint == InferenceEndpoint.CHAT_COMPLETIONS) {
            requireMessagesWithRoles(root.get("messages"));
        }
        String modelName = model.stringValue();
        if (endpoint == InferenceEndpoint.EMBEDDINGS) {
            // Embeddings reuse no cached prefix and belong to no session (a session's binding is its chat model's
            // cell; an embedding model's cell would move it): any cell of the model will do.
            return new RoutingTarget(modelName, null, null, 0L);
        }
        String session = affinity != null ? affinity
                : endpoint == InferenceEndpoint.CHAT_COMPLETIONS ? promptCacheKey(root.get(PROMPT_CACHE_KEY)) : null;
        String key = session != null
                ? RoutingKeys.session(tenant, session)
                : RoutingKeys.skeleton(tenant, modelName, leadingSystemTexts(root.get("messages")),
                        canonicalTools(root.get("tools")));
        return new RoutingTarget(modelName, key, session, completionTokens(root));
    }

    /**
     * The most the request may generate, as it says ({@code max_completion_tokens}, else {@code max_tokens}, for each
     * of its {@code n} choices); {@code null} when it does not say.
     */
    private static @Nullable Long completionTokens(JsonNode root) {
        JsonNode limit = root.hasNonNull("max_completion_tokens") ? root.get("max_completion_tokens")
                : root.get("max_tokens");
        if (limit == null || limit.isNull()) {
            return null;
        }
        long choices = Math.max(root.path("n").asLong(1), root.path("best_of").asLong(1));
        return limit.asLong() * Math.max(1, choices);
    }

    /** A usable {@code prompt_cache_key}, or {@code null} for none; anything but a string of 1 to 512 is a 400. */
    private static @Nullable String promptCacheKey(@Nullable JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString() || value.stringValue().isBlank() || value.stringValue().length() > MAX_SESSION_KEY) {
            throw new ApiErrorException(ApiError.invalidField(PROMPT_CACHE_KEY,
                    "must be a non-blank string of at most " + MAX_SESSION_KEY + " characters"));
        }
        return value.stringValue();
    }

    /** A body already read (a JSON object), naming another model. */
    static byte[] withModel(byte[] body, String model) {
        ObjectNode root = (ObjectNode) parse(body);
        root.put("model", model);
        return JSON.writeValueAsBytes(root);
    }

    private static JsonNode parse(byte[] body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JacksonException malformed) {
            // The parser's own message may quote the body; say only where it broke.
            TokenStreamLocation at = malformed.getLocation();
            String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
            throw invalid(ErrorCode.INVALID_JSON, "The request body is not valid JSON" + where + ".");
        }
        if (root == null || !root.isObject()) {
            throw invalid(ErrorCode.INVALID_REQUEST_BODY, "The request body must be a JSON object.");
        }
        return root;
    }

    /** A count the client may leave out, or set to a whole number from 1 to {@code max} (not 2.0, not "2"). */
    private static void requireCount(JsonNode root, String field, int max) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            return;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 1 || value.intValue() > max) {
            throw new ApiErrorException(ApiError.invalidField(field, "must be a whole number from 1 to " + max));
        }
    }

    private static boolean isNonEmptyInput(@Nullable JsonNode input) {
        if (input == null) {
            return false;
        }
        if (input.isString()) {
            return !input.stringValue().isEmpty();
        }
        return input.isArray() && !input.isEmpty();
    }

    /** The skeleton reads each message's role, so a role that is not a string is the client's mistake, said so. */
    private static void requireMessagesWithRoles(JsonNode messages) {
        if (!messages.isArray()) {
            throw invalid(ErrorCode.INVALID_REQUEST_BODY, "messages", "'messages' must be an array of message objects.");
        }
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            JsonNode role = message.get("role");
            if (!message.isObject() || role == null || !role.isString()) {
                throw invalid(ErrorCode.INVALID_REQUEST_BODY, "messages[" + i + "]",
                        "'messages[" + i + "]' must be an object with a string 'role'.");
            }
        }
    }

    private static List<String> leadingSystemTexts(@Nullable JsonNode messages) {
        List<String> texts = new ArrayList<>();
        if (messages == null || !messages.isArray()) {
            return texts;
        }
        for (JsonNode message : messages.values()) {
            JsonNode role = message.get("role");
            String name = role != null && role.isString() ? role.stringValue() : null;
            if (!"system".equals(name) && !"developer".equals(name)) {
                break;
            }
            texts.add(text(message.get("content")));
        }
        return texts;
    }

    /** The text of a message's content: a string, or the text parts of an array joined by newlines. */
    private static String text(@Nullable JsonNode content) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isString()) {
            return content.stringValue();
        }
        if (content.isArray()) {
            List<String> parts = new ArrayList<>();
            for (JsonNode part : content.values()) {
                JsonNode text = part.get("text");
                parts.add(text != null && text.isString() ? text.stringValue() : CanonicalJson.of(part));
            }
            return String.join("\n", parts);
        }
        return CanonicalJson.of(content);
    }

    private static List<String> canonicalTools(@Nullable JsonNode tools) {
        if (tools == null || !tools.isArray()) {
            return List.of();
        }
        return tools.values().stream().map(CanonicalJson::of).toList();
    }

    private static ApiErrorException invalid(ErrorCode code, String message) {
        return new ApiErrorException(code, message);
    }

    private static ApiErrorException invalid(ErrorCode code, String param, String message) {
        return new ApiErrorException(new ApiError(code, message, param, null));
    }
}
