package io.warmpath.gateway.routing;

import org.jspecify.annotations.Nullable;

/**
 * Where a request wants to go, as an exchange attribute for the load balancer.
 *
 * @param model the requested model; {@code null} when the request names none ({@code /v1/models})
 * @param key      the routing key; {@code null} when any healthy cell will do
 * @param affinity the session value the request names ({@code x-session-affinity}, else the body's
 *                 {@code prompt_cache_key}); {@code null} for none
 * @param completionTokens the most the request may generate, as it says (0 for embeddings); {@code null} when it does
 *                 not say. Token rate limits reserve it.
 */
record RoutingTarget(@Nullable String model, @Nullable String key, @Nullable String affinity,
        @Nullable Long completionTokens) {

    static final String ATTRIBUTE = RoutingTarget.class.getName();

    static final RoutingTarget ANY_CELL = new RoutingTarget(null, null);

    /** A target of no session. */
    RoutingTarget(@Nullable String model, @Nullable String key) {
        this(model, key, null, null);
    }

    RoutingTarget withModel(String newModel) {
        return new RoutingTarget(newModel, key, affinity, completionTokens);
    }

    RoutingTarget withKey(String newKey) {
        return new RoutingTarget(model, newKey, affinity, completionTokens);
    }
}
