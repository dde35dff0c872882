package io.warmpath.enginesim.openai;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * JSON for the OpenAI wire format: snake_case response records, request parsing, and canonical JSON (keys sorted
 * at every level) so that equal tool schemas and tool calls always render, and therefore tokenise, the same.
 */
final class OpenAiJson {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .build();

    private OpenAiJson() {
    }

    /** Parses a request body that must be a JSON object. */
    static JsonNode readObject(String body) {
        if (body == null || body.isBlank()) {
            throw OpenAiException.badRequest("invalid_json", "The request body is empty; a JSON object is expected.");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (JacksonException malformed) {
            throw OpenAiException.badRequest("invalid_json", "The request body is not valid JSON.");
        }
        if (node == null || !node.isObject()) {
            throw OpenAiException.badRequest("invalid_json", "The request body must be a JSON object.");
        }
        return node;
    }

    /** A response record as snake_case JSON. */
    static String write(Object body) {
        return MAPPER.writeValueAsString(body);
    }

    /** Compact JSON with object keys sorted recursively. */
    static String canonical(JsonNode node) {
        return MAPPER.writeValueAsString(sorted(node));
    }

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            List<String> names = new ArrayList<>(node.propertyNames());
            names.sort(null);
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            for (String name : names) {
                copy.set(name, sorted(node.get(name)));
            }
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            for (JsonNode element : node) {
                copy.add(sorted(element));
            }
            return copy;
        }
        return node;
    }
}
