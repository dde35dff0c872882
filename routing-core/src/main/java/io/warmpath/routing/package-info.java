/**
 * Plain-Java routing for Warmpath: which inference cell serves a request.
 *
 * <p>The gateway hands a policy the cells of one model pool ({@link io.warmpath.routing.CellPool}) and a
 * {@link io.warmpath.routing.PickRequest}: the routing key (tenant and session, or the prompt skeleton's hash),
 * the cells' current load and the cells to avoid. A {@link io.warmpath.routing.RoutingPolicy} picks one.
 * Nothing here knows about Spring, HTTP or Redis, so the same code runs in the gateway, in the bench and in
 * microbenchmarks.
 */
package io.warmpath.routing;
