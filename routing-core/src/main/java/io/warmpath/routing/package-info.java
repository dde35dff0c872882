/**
 * Plain-Java routing for Warmpath: which inference cell serves a request.
 *
 * <p>The gateway hands a policy the cells of one model pool ({@link io.warmpath.routing.CellPool}) and a
 * {@link io.warmpath.routing.PickRequest}: the routing key (tenant and session, or the prompt skeleton's hash),
 * the cells' current load and the cells to avoid. A {@link io.warmpath.routing.RoutingPolicy} picks one.
 *
 * <p>{@link io.warmpath.routing.StickyPolicy} ({@code sticky}) also reads the session's stored
 * {@link io.warmpath.routing.SessionBinding} and the turn's estimated prompt tokens from the request, and its
 * {@link io.warmpath.routing.StickyPolicy#decide decide} method says whether the binding held, was created or was
 * replaced and why ({@link io.warmpath.routing.StickyDecision}); the caller stores the binding. Its class comment
 * documents the time-to-first-token prediction that decides when a binding yields to a faster cell.
 * Nothing here knows about Spring, HTTP or Redis, so the same code runs in the gateway, in the bench and in
 * microbenchmarks.
 */
package io.warmpath.routing;
