package io.warmpath.gateway.models;

import java.util.Map;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Models under other names ({@code warmpath.gateway.models.*}).
 *
 * @param aliases alias to model, such as {@code fast: llama-3.1-8b-instruct}: a request naming the alias is served by
 *                the model, and the model's cells see only the model's name. An alias may not name another alias, nor
 *                be a model's own name (the start fails naming it).
 */
@ConfigurationProperties("warmpath.gateway.models")
record ModelProperties(@Nullable Map<String, String> aliases) {

    private static final Pattern NAME = Pattern.compile("[\\x21-\\x7e]{1,256}");

    ModelProperties {
        aliases = aliases == null ? Map.of() : Map.copyOf(aliases);
        aliases.forEach((alias, model) -> {
            if (!NAME.matcher(alias).matches() || !NAME.matcher(model).matches()) {
                throw new IllegalArgumentException("warmpath.gateway.models.aliases: '" + alias + "' -> '" + model
                        + "' is not a pair of model names (printable, no spaces)");
            }
        });
        for (Map.Entry<String, String> alias : aliases.entrySet()) {
            if (aliases.containsKey(alias.getValue())) {
                throw new IllegalArgumentException("warmpath.gateway.models.aliases." + alias.getKey()
                        + " names another alias, " + alias.getValue() + ": name the model itself");
            }
        }
    }

    /** The model a requested name stands for: the alias's target, else the name itself. */
    String resolve(String requested) {
        return aliases.getOrDefault(requested, requested);
    }
}
