package io.warmpath.gateway.models;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Models under other names ({@code warmpath.gateway.models.*}).
 *
 * @param aliases alias to model, such as {@code fast: llama-3.1-8b-instruct}: a request naming the alias is served by
 *                the model, and the model's cells see only the model's name. An alias may not name another alias, nor
 *                be a model's own name (the start fails naming it).
 * @param routing routing aliases, such as {@code auto}: a request naming one is served by its default model or its
 *                light model, whichever the turn is expected to cost less on (see {@link CostAwareRouting})
 * @param prices  per model, USD per million tokens (as session-service prices them): what the routing compares
 */
@ConfigurationProperties("warmpath.gateway.models")
record ModelProperties(@Nullable Map<String, String> aliases, @Nullable Map<String, RoutingAlias> routing,
        @Nullable Map<String, Price> prices) {

    /**
     * One routing alias.
     *
     * @param defaultModel             the model a turn stays on unless the light one is expected to cost less
     * @param lightModel               the smaller, cheaper model
     * @param tenants                  the tenants the alias is for; empty: every tenant
     * @param expectedCompletionTokens what a turn that does not say ({@code max_tokens}) is expected to generate
     */
    record RoutingAlias(String defaultModel, String lightModel, @Nullable Set<String> tenants,
            @DefaultValue("256") long expectedCompletionTokens) {

        RoutingAlias {
            tenants = tenants == null ? Set.of() : Set.copyOf(tenants);
        }

        boolean servesTenant(String tenant) {
            return tenants.isEmpty() || tenants.contains(tenant);
        }
    }

    /** USD per million uncached input, cached input and output tokens. */
    record Price(double input, double cachedInput, double output) {

        /** The price of a turn, in USD. */
        double usd(long promptTokens, long cachedTokens, long completionTokens) {
            return ((promptTokens - cachedTokens) * input + cachedTokens * cachedInput + completionTokens * output)
                    / 1_000_000.0;
        }
    }

    private static final Pattern NAME = Pattern.compile("[\\x21-\\x7e]{1,256}");

    ModelProperties {
        aliases = aliases == null ? Map.of() : Map.copyOf(aliases);
        routing = routing == null ? Map.of() : Map.copyOf(routing);
        prices = prices == null ? Map.of() : Map.copyOf(prices);
        for (Map.Entry<String, RoutingAlias> alias : routing.entrySet()) {
            for (String model : List.of(alias.getValue().defaultModel(), alias.getValue().lightModel())) {
                if (!prices.containsKey(model)) {
                    throw new IllegalArgumentException("warmpath.gateway.models.routing." + alias.getKey()
                            + " routes to " + model + ", which has no warmpath.gateway.models.prices entry");
                }
            }
        }
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

    /** The routing alias a tenant's request names, if it names one that is for the tenant. */
    Optional<RoutingAlias> routingAlias(String requested, String tenant) {
        return Optional.ofNullable(routing.get(requested)).filter(alias -> alias.servesTenant(tenant));
    }

    /** The model a requested name stands for: the alias's target, else the name itself. */
    String resolve(String requested) {
        return aliases.getOrDefault(requested, requested);
    }
}
