/**
 * Choosing the cell for each inference request.
 *
 * <p>{@link io.warmpath.gateway.routing.InferenceRequestFilter} reads and validates the body once and derives the
 * routing key: {@code (tenant, x-session-affinity)} for a session, or the prompt skeleton (model, leading
 * system/developer messages, tools as canonical JSON) without one. The gateway's stock load-balancer filter then asks
 * {@link io.warmpath.gateway.routing.CellLoadBalancer}, which hands routing-core's configured policy the cells that
 * serve the model, excluding unhealthy, ejected and already-tried ones. {@link io.warmpath.gateway.routing.CellCallFilter}
 * counts the request in flight on its cell and ejects cells whose calls fail.
 *
 * <p>Session turns: the filter resolves {@code x-session-affinity} through session-service, the load balancer asks
 * routing-core's {@code sticky} policy with the session's stored binding, and
 * {@link io.warmpath.gateway.routing.SessionBindingFilter} forwards the session headers and stores a new or moved
 * binding.
 */
@NullMarked
package io.warmpath.gateway.routing;

import org.jspecify.annotations.NullMarked;
