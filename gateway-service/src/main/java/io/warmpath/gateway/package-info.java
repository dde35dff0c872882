/**
 * Warmpath's gateway: JWT and route scopes at the edge, a routing key per request (tenant and session, or the prompt
 * skeleton), the choice of inference cell through routing-core, and an unbuffered streaming proxy.
 *
 * <p>Features live in sub-packages: {@code cells} (discovery, health, load), {@code routing} (keys and the load
 * balancer), {@code security} (JWT and scopes) and {@code web} (request limits and error responses).
 */
@NullMarked
package io.warmpath.gateway;

import org.jspecify.annotations.NullMarked;
