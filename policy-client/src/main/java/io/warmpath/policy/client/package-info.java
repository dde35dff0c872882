/**
 * The client side of policy-service, shared by the gateway and the inference cells: batched decisions
 * ({@code POST /v1/decisions}), a brief cache of allow decisions only, a short deadline, and failing closed: a deny,
 * an error, a timeout or the service being down all come back as a deny with that cause, never as an exception.
 */
@NullMarked
package io.warmpath.policy.client;

import org.jspecify.annotations.NullMarked;
