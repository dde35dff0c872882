package io.warmpath.gateway.routing;

import org.jspecify.annotations.Nullable;

/**
 * Where a request wants to go, as an exchange attribute for the load balancer.
 *
 * @param model the requested model; {@code null} when the request names none ({@code /v1/models})
 * @param key   the routing key; {@code null} when any healthy cell will do
 */
record RoutingTarget(@Nullable String model, @Nullable String key) {

    static final String ATTRIBUTE = RoutingTarget.class.getName();

    static final RoutingTarget ANY_CELL = new RoutingTarget(null, null);

    RoutingTarget withKey(String newKey) {
        return new RoutingTarget(model, newKey);
    }
}
