/**
 * session-service's internal API, {@code /internal/**}: resolving an affinity value to a session, bindings, budget
 * reservations and settlements, and recorded turns. {@link io.warmpath.contracts.sessions.SessionServiceApi} is the
 * client the gateway and the cells use; the records are the bodies on both sides. Requests carry their constraints
 * ({@code jakarta.validation}), which session-service enforces with a 400 naming the field.
 */
@NullMarked
package io.warmpath.contracts.sessions;

import org.jspecify.annotations.NullMarked;
