/**
 * Warmpath's gateway: JWT and route scopes at the edge, a routing key per request (tenant and session, or the prompt
 * skeleton), the choice of inference cell through routing-core, and an unbuffered streaming proxy.
 *
 * <p>Features live in sub-packages: {@code cells} (discovery, health, load), {@code routing} (keys, sticky sessions and
 * the load balancer), {@code sessions} (session-service client, near cache, binding writes), {@code security} (JWT,
 * scopes, trusted headers), {@code tools} (tool calls, the egress guard, tool scoping of chat requests) and
 * {@code web} (request limits and error responses).
 */
@NullMarked
package io.warmpath.gateway;

import org.jspecify.annotations.NullMarked;
