package io.warmpath.policy.decisions;

import java.util.Arrays;
import java.util.Optional;

/** The resource entity types of the schema. */
enum ResourceType {
    CELL("Cell"),
    MODEL("Model"),
    ARTIFACT("Artifact"),
    TOOL("Tool"),
    SESSION("Session"),
    URL("Url");

    private final String entityType;

    ResourceType(String entityType) {
        this.entityType = entityType;
    }

    String entityType() {
        return entityType;
    }

    static Optional<ResourceType> byEntityType(String type) {
        return Arrays.stream(values()).filter(value -> value.entityType.equals(type)).findFirst();
    }

    static String names() {
        return String.join(", ", Arrays.stream(values()).map(ResourceType::entityType).toList());
    }
}
