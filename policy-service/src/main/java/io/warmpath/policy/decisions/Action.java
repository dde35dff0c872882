package io.warmpath.policy.decisions;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/** The actions of the schema, with the resource types each applies to. */
enum Action {
    INFER("infer", Set.of(ResourceType.CELL, ResourceType.MODEL)),
    STORE_ARTIFACT("store_artifact", Set.of(ResourceType.ARTIFACT)),
    READ_ARTIFACT("read_artifact", Set.of(ResourceType.ARTIFACT)),
    INVOKE_TOOL("invoke_tool", Set.of(ResourceType.TOOL)),
    RECORD_TRANSCRIPT("record_transcript", Set.of(ResourceType.SESSION)),
    EGRESS("egress", Set.of(ResourceType.URL));

    private final String id;
    private final Set<ResourceType> resourceTypes;

    Action(String id, Set<ResourceType> resourceTypes) {
        this.id = id;
        this.resourceTypes = resourceTypes;
    }

    String id() {
        return id;
    }

    boolean appliesTo(ResourceType type) {
        return resourceTypes.contains(type);
    }

    static Optional<Action> byId(String id) {
        return Arrays.stream(values()).filter(action -> action.id.equals(id)).findFirst();
    }

    static String names() {
        return String.join(", ", Arrays.stream(values()).map(Action::id).toList());
    }
}
