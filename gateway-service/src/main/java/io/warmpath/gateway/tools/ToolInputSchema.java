package io.warmpath.gateway.tools;

import java.util.List;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import tools.jackson.databind.JsonNode;

/**
 * A tool's JSON Schema, compiled once (networknt json-schema-validator 3, on Jackson 3). Schemas default to draft
 * 2020-12; {@code $schema} may name draft 4, 6, 7 or 2019-09. Remote {@code $ref}s are never fetched: a schema that
 * refers outside itself fails at start-up rather than making the gateway call out.
 */
final class ToolInputSchema {

    /** At most this many messages go back to the client; one broken input should not produce a wall of text. */
    static final int MAX_MESSAGES = 10;

    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemaLoader(loader -> loader.fetchRemoteResources(false)));

    private final Schema schema;

    private ToolInputSchema(Schema schema) {
        this.schema = schema;
    }

    /**
     * @throws IllegalArgumentException when the schema is not a JSON object, breaks its meta-schema, or cannot be
     *                                  compiled
     */
    static ToolInputSchema compile(String toolName, JsonNode schemaNode) {
        if (!schemaNode.isObject()) {
            throw new IllegalArgumentException("The input schema of tool '" + toolName + "' must be a JSON object");
        }
        String dialect = schemaNode.path("$schema").asString(SpecificationVersion.DRAFT_2020_12.getDialectId());
        List<Error> schemaErrors;
        try {
            schemaErrors = REGISTRY.getSchema(SchemaLocation.of(dialect)).validate(schemaNode);
            Schema schema = REGISTRY.getSchema(schemaNode);
            schema.initializeValidators();
            if (schemaErrors.isEmpty()) {
                return new ToolInputSchema(schema);
            }
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("The input schema of tool '" + toolName + "' cannot be compiled: "
                    + e.getMessage(), e);
        }
        throw new IllegalArgumentException("The input schema of tool '" + toolName + "' is not a valid JSON Schema: "
                + schemaErrors.stream().limit(MAX_MESSAGES).map(Error::toString).toList());
    }

    /**
     * What is wrong with the input, as at most {@link #MAX_MESSAGES} messages naming the location and the rule
     * broken (the schema's words, such as its enum values; the input's values are not quoted); empty when valid.
     */
    List<String> violations(JsonNode input) {
        return schema.validate(input).stream().limit(MAX_MESSAGES).map(ToolInputSchema::describe).toList();
    }

    private static String describe(Error error) {
        String location = error.getInstanceLocation().toString();
        String where = location.isEmpty() ? "/" : location;
        // additionalProperties messages quote the offending property name, which is the caller's text.
        if ("additionalProperties".equals(error.getKeyword())) {
            return where + ": has a property the schema does not define";
        }
        return where + ": " + error.getMessage();
    }
}
