package io.warmpath.enginesim;

import io.warmpath.enginesim.engine.ModelProfile;

import java.util.List;

/**
 * The model this engine serves.
 *
 * @param names       names clients may use (vLLM's {@code --served-model-name}); the first is the primary
 * @param profile     the speed/price profile behind them
 * @param maxModelLen context length in tokens
 */
public record ServedModel(List<String> names, ModelProfile profile, int maxModelLen) {

    public ServedModel {
        names = List.copyOf(names);
        if (names.isEmpty()) {
            throw new IllegalArgumentException("at least one served model name is needed");
        }
    }

    /** The name used in responses and the {@code model_name} metric label. */
    public String primaryName() {
        return names.getFirst();
    }

    /** Whether a request's {@code model} names this engine's model. */
    public boolean serves(String model) {
        return names.contains(model);
    }
}
