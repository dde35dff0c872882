package io.warmpath.contracts;

import java.util.Map;
import java.util.TreeMap;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * JSON with object keys sorted at every level and no whitespace: equal values give equal strings, however a client
 * ordered their members. Routing keys and prompt-block hashes are made of it.
 */
public final class CanonicalJson {

    /** A mapper of its own: canonical forms must not move with an application's Jackson settings. */
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private CanonicalJson() {
    }

    public static String of(JsonNode node) {
        return JSON.writeValueAsString(sortedKeys(node));
    }

    /** A copy of {@code node} with object keys sorted at every level; arrays keep their order. */
    public static JsonNode sortedKeys(JsonNode node) {
        if (node.isObject()) {
            ObjectNode sorted = JSON.createObjectNode();
            Map<String, JsonNode> byName = new TreeMap<>();
            node.properties().forEach(property -> byName.put(property.getKey(), property.getValue()));
            byName.forEach((name, value) -> sorted.set(name, sortedKeys(value)));
            return sorted;
        }
        if (node.isArray()) {
            ArrayNode sorted = JSON.createArrayNode();
            node.values().forEach(element -> sorted.add(sortedKeys(element)));
            return sorted;
        }
        return node;
    }
}
