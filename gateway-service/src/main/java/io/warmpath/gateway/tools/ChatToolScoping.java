package io.warmpath.gateway.tools;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Removes from a chat completion request every tool the token may not use, so the model never sees it.
 *
 * <ul>
 *   <li>{@code tools}: an entry stays only if it is {@code {"type": "function", "function": {"name": n}}} and the
 *       token has scope {@code tools:n}. Anything else, including tool types without a function name, is removed
 *       (fail closed). The legacy {@code functions} list is filtered the same way by {@code name}.
 *   <li>A {@code tool_choice} (or {@code function_call}) that names a removed function is removed, so the engine
 *       falls back to its default ({@code auto}) instead of failing; when no tool is left, {@code tools} and
 *       {@code tool_choice} are removed altogether.
 *   <li>Cost: a body without a top-level {@code tools} or {@code functions} property is only scanned (its top-level
 *       property names are tokenised, nested values skipped) and forwarded untouched. A body with one is parsed and
 *       always re-serialised, even when nothing was removed, so that what the cell gets is exactly what was checked
 *       (a repeated {@code tools} property or an escaped name cannot smuggle a tool past the check).
 * </ul>
 */
final class ChatToolScoping {

    // Not Boot's mapper: a rewritten body goes to the engine, and spring.jackson settings are for the gateway's own JSON.
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ChatToolScoping() {
    }

    /**
     * @param body  the request body as received
     * @param tools the tool names the token is scoped for
     * @return the body to forward instead, or empty to forward it unchanged (no tools, or not a JSON object: the
     *         request filter answers 400 for the latter)
     */
    static Optional<byte[]> scoped(byte[] body, Set<String> tools) {
        if (!mentionsTools(body)) {
            return Optional.empty();
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JacksonException e) {
            return Optional.empty();
        }
        if (root == null || !root.isObject()) {
            return Optional.empty();
        }
        ObjectNode request = (ObjectNode) root;
        filter(request, "tools", "tool_choice", tools, tool -> {
            JsonNode function = tool.path("function");
            return "function".equals(tool.path("type").asString(null)) ? name(function) : null;
        });
        filter(request, "functions", "function_call", tools, ChatToolScoping::name);
        return Optional.of(JSON.writeValueAsBytes(request));
    }

    private interface FunctionName {
        @Nullable String of(JsonNode entry);
    }

    private static void filter(ObjectNode request, String listField, String choiceField, Set<String> scoped,
            FunctionName nameOf) {
        JsonNode list = request.get(listField);
        if (list == null || !list.isArray()) {
            return; // absent, or malformed: the engine rejects a non-array itself
        }
        ArrayNode kept = JSON.createArrayNode();
        Set<String> keptNames = new HashSet<>();
        for (JsonNode entry : list.values()) {
            String name = nameOf.of(entry);
            if (name != null && scoped.contains(name)) {
                kept.add(entry);
                keptNames.add(name);
            }
        }
        if (kept.isEmpty()) {
            request.remove(listField);
            request.remove(choiceField);
            return;
        }
        request.set(listField, kept);
        JsonNode choice = request.get(choiceField);
        if (choice != null && choice.isObject()) {
            // {"type": "function", "function": {"name": n}} for tool_choice, {"name": n} for function_call
            String chosen = choice.has("function") ? name(choice.path("function")) : name(choice);
            if (chosen == null || !keptNames.contains(chosen)) {
                request.remove(choiceField);
            }
        }
    }

    private static @Nullable String name(JsonNode function) {
        JsonNode name = function.path("name");
        return name.isString() ? name.stringValue() : null;
    }

    /** Whether the top-level object has a {@code tools} or {@code functions} property; nested values are skipped. */
    private static boolean mentionsTools(byte[] body) {
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            for (JsonToken token = parser.nextToken(); token == JsonToken.PROPERTY_NAME; token = parser.nextToken()) {
                String property = parser.currentName();
                if ("tools".equals(property) || "functions".equals(property)) {
                    return true;
                }
                parser.nextToken();
                parser.skipChildren();
            }
            return false;
        } catch (JacksonException e) {
            return false; // not JSON: the request filter answers 400
        }
    }
}
