/**
 * {@code Idempotency-Key} on the public API's requests that do work (IETF httpapi draft semantics): the first request
 * with a key runs, and a repeat gets its response again, from Redis, so every gateway answers it alike.
 */
@NullMarked
package io.warmpath.gateway.idempotency;

import org.jspecify.annotations.NullMarked;
