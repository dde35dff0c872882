package io.warmpath.enginesim.openai;

import io.warmpath.enginesim.tokens.PromptTokenizer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Decides whether the simulated model calls a tool: only when {@code tool_choice} is "required" (the first tool)
 * or names a function. "auto" and "none" get text. Arguments fill each required parameter by its JSON-schema type
 * (string: first enum value or "example"; integer/number: 1; boolean: true; array: []; object: {}).
 */
final class ToolCallPlanner {

    private final PromptTokenizer tokenizer;

    ToolCallPlanner(PromptTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** The tool call to make, or null for a text answer. */
    PlannedToolCall plan(JsonNode tools, JsonNode toolChoice, long seed) {
        JsonNode function = chosenFunction(tools, toolChoice);
        if (function == null) {
            return null;
        }
        String name = function.path("name").stringValue();
        String arguments = OpenAiJson.canonical(arguments(function.path("parameters")));
        int tokens = Math.max(1, tokenizer.count(name + arguments));
        return new PlannedToolCall("chatcmpl-tool-" + Long.toHexString(seed), name, arguments, tokens);
    }

    private static JsonNode chosenFunction(JsonNode tools, JsonNode toolChoice) {
        if (toolChoice.isMissingNode() || toolChoice.isNull()) {
            return null;
        }
        if (toolChoice.isString()) {
            return switch (toolChoice.stringValue()) {
                case "auto", "none" -> null;
                case "required" -> {
                    if (tools.isEmpty()) {
                        throw OpenAiException.badRequest("invalid_tool_choice",
                                "tool_choice \"required\" needs at least one tool.");
                    }
                    yield tools.get(0).path("function");
                }
                default -> throw OpenAiException.badRequest("invalid_tool_choice",
                        "tool_choice must be \"none\", \"auto\", \"required\" or a named function.");
            };
        }
        String wanted = toolChoice.path("function").path("name").stringValue(null);
        if (wanted == null) {
            throw OpenAiException.badRequest("invalid_tool_choice",
                    "tool_choice must name a function: {\"type\": \"function\", \"function\": {\"name\": ...}}.");
        }
        for (JsonNode tool : tools) {
            if (wanted.equals(tool.path("function").path("name").stringValue(null))) {
                return tool.path("function");
            }
        }
        throw OpenAiException.badRequest("invalid_tool_choice", "tool_choice names a function that is not in tools.");
    }

    private static ObjectNode arguments(JsonNode parameters) {
        ObjectNode arguments = JsonNodeFactory.instance.objectNode();
        JsonNode properties = parameters.path("properties");
        for (JsonNode required : parameters.path("required")) {
            String name = required.stringValue(null);
            if (name == null) {
                continue;
            }
            JsonNode schema = properties.path(name);
            switch (schema.path("type").stringValue("string")) {
                case "integer", "number" -> arguments.put(name, 1);
                case "boolean" -> arguments.put(name, true);
                case "array" -> arguments.putArray(name);
                case "object" -> arguments.putObject(name);
                default -> arguments.put(name, schema.path("enum").path(0).stringValue("example"));
            }
        }
        return arguments;
    }
}
