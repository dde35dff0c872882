package io.warmpath.redaction;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.warmpath.contracts.DataClass;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns a prompt or a response (OpenAI-shaped JSON) into what a log, trace or audit record may hold, by data class.
 *
 * <p>The rule: {@code public} and {@code internal} payloads keep their structure and their text after the
 * {@link Redactor} has gone over it (each string cut to a bounded length); {@code confidential} and
 * {@code regulated} payloads keep only their shape: every string becomes {@code [REDACTED LENGTH=n]}, except the
 * discriminators that say what a value is ({@code role}, {@code type}, {@code object}, {@code model},
 * {@code finish_reason}). Numbers, booleans and keys stay. Redaction happens before truncation, so a cut can never
 * leave half a secret behind. For the smallest footprint log {@link #shapeOf(JsonNode)} instead.
 *
 * <p>Like Envoy AI Gateway's redaction, it works on the tree rather than on serialized text, and never changes its
 * input. Thread-safe.
 */
public final class PayloadLogView {

    /** Characters kept of each string of a public or internal payload. */
    public static final int DEFAULT_MAX_TEXT_CHARS = 200;

    private static final Set<String> DISCRIMINATORS = Set.of("role", "type", "object", "model", "finish_reason");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Redactor redactor;
    private final int maxTextChars;

    public PayloadLogView(Redactor redactor, int maxTextChars) {
        if (maxTextChars < 1) {
            throw new IllegalArgumentException("maxTextChars must be positive");
        }
        this.redactor = redactor;
        this.maxTextChars = maxTextChars;
    }

    /** With the standard redactor and {@value #DEFAULT_MAX_TEXT_CHARS} characters per string. */
    public static PayloadLogView standard() {
        return new PayloadLogView(Redactor.standard(), DEFAULT_MAX_TEXT_CHARS);
    }

    /** A new tree that a log may hold for a payload of {@code dataClass}; see the class comment for the rule. */
    public JsonNode of(JsonNode payload, DataClass dataClass) {
        return copy(payload, null, allowsRedactedText(dataClass));
    }

    /** Whether a log may hold text of this class once the {@link Redactor} has gone over it. */
    static boolean allowsRedactedText(DataClass dataClass) {
        return dataClass.atMost(DataClass.INTERNAL);
    }

    /** Sizes, counts and roles of a payload. */
    public PayloadShape shapeOf(JsonNode payload) {
        Map<String, Integer> roles = new TreeMap<>();
        JsonNode messages = payload.path("messages");
        for (JsonNode message : messages.isArray() ? messages.values() : Set.<JsonNode>of()) {
            String role = message.path("role").isString() ? message.path("role").stringValue() : "unknown";
            roles.merge(truncate(redactor.redact(role)), 1, Integer::sum);
        }
        return new PayloadShape(arraySize(messages), roles, arraySize(payload.path("choices")),
                arraySize(payload.path("tools")), textChars(payload, null));
    }

    private JsonNode copy(JsonNode node, String key, boolean keepText) {
        if (node.isObject()) {
            ObjectNode copy = NODES.objectNode();
            for (Map.Entry<String, JsonNode> property : node.properties()) {
                copy.set(redactor.redact(property.getKey()), copy(property.getValue(), property.getKey(), keepText));
            }
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = NODES.arrayNode(node.size());
            for (JsonNode element : node.values()) {
                copy.add(copy(element, null, keepText));
            }
            return copy;
        }
        if (node.isString()) {
            String text = node.stringValue();
            boolean describesTheValue = key != null && DISCRIMINATORS.contains(key);
            return NODES.stringNode(keepText || describesTheValue
                    ? truncate(redactor.redact(text))
                    : "[REDACTED LENGTH=" + text.length() + "]");
        }
        return node.deepCopy();
    }

    private String truncate(String text) {
        return text.length() <= maxTextChars
                ? text
                : text.substring(0, maxTextChars) + "...[+" + (text.length() - maxTextChars) + " chars]";
    }

    private static long textChars(JsonNode node, String key) {
        if (node.isString()) {
            return key != null && DISCRIMINATORS.contains(key) ? 0 : node.stringValue().length();
        }
        long chars = 0;
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> property : node.properties()) {
                chars += textChars(property.getValue(), property.getKey());
            }
        } else if (node.isArray()) {
            for (JsonNode element : node.values()) {
                chars += textChars(element, null);
            }
        }
        return chars;
    }

    private static int arraySize(JsonNode node) {
        return node.isArray() ? node.size() : 0;
    }
}
