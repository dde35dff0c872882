/**
 * The gateway's side of session-service: resolving {@code x-session-affinity} values to sessions (with a near cache),
 * storing the session-to-cell bindings that {@code sticky} routing decides, and the public {@code /v1/sessions} API,
 * which the gateway proxies to session-service with the caller's internal assertion.
 */
@NullMarked
package io.warmpath.gateway.sessions;

import org.jspecify.annotations.NullMarked;
