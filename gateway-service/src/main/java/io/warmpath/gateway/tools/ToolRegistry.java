package io.warmpath.gateway.tools;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import io.warmpath.contracts.DataClass;
import org.springframework.http.HttpMethod;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The tools from {@code warmpath.gateway.tools.registry}, validated at start-up: a bad name, URL, method, data class or
 * schema stops the gateway from starting rather than failing calls later.
 */
final class ToolRegistry {

    /** Tool names become scopes ({@code tools:<name>}) and path segments, so keep them plain. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private static final Set<HttpMethod> METHODS = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH,
            HttpMethod.GET);

    private final Map<String, Tool> tools;

    ToolRegistry(ToolProperties properties, JsonMapper json) {
        Map<String, Tool> byName = new HashMap<>();
        properties.registry().forEach((name, definition) -> byName.put(name, toTool(name, definition, json)));
        this.tools = Map.copyOf(byName);
    }

    Optional<Tool> find(String name) {
        return Optional.ofNullable(tools.get(name));
    }

    private static Tool toTool(String name, ToolProperties.Definition definition, JsonMapper json) {
        if (!NAME.matcher(name).matches()) {
            throw invalid(name, "names must match " + NAME.pattern());
        }
        if (definition.url() == null || definition.url().getHost() == null
                || !(("http".equals(definition.url().getScheme()) || "https".equals(definition.url().getScheme())))) {
            throw invalid(name, "url must be an absolute http(s) URL");
        }
        if (!METHODS.contains(definition.method())) {
            throw invalid(name, "method must be one of POST, PUT, PATCH, GET");
        }
        DataClass maxDataClass = DataClass.parse(definition.maxDataClass())
                .orElseThrow(() -> invalid(name, "max-data-class must be public, internal, confidential or regulated"));
        if (definition.timeout().isNegative() || definition.timeout().isZero()
                || definition.maxResponseBytes().toBytes() <= 0) {
            throw invalid(name, "timeout and max-response-bytes must be positive");
        }
        return new Tool(name, definition.url(), definition.method(),
                ToolInputSchema.compile(name, schemaNode(name, definition, json)), maxDataClass, definition.timeout(),
                definition.maxResponseBytes().toBytes(), definition.forwardCaller());
    }

    private static JsonNode schemaNode(String name, ToolProperties.Definition definition, JsonMapper json) {
        boolean inline = definition.inputSchema() != null && !definition.inputSchema().isBlank();
        if (inline == (definition.inputSchemaLocation() != null)) {
            throw invalid(name, "exactly one of input-schema and input-schema-location is required");
        }
        try {
            if (inline) {
                return json.readTree(definition.inputSchema());
            }
            try (InputStream in = definition.inputSchemaLocation().getInputStream()) {
                return json.readTree(in);
            }
        } catch (JacksonException e) {
            throw invalid(name, "the input schema is not valid JSON");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the input schema of tool '" + name + "'", e);
        }
    }

    private static IllegalArgumentException invalid(String name, String problem) {
        return new IllegalArgumentException("warmpath.gateway.tools.registry." + name + ": " + problem);
    }
}
