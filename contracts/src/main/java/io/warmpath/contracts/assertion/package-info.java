/**
 * The internal assertion: the short-lived signed JWT with which the gateway tells every service behind it who a
 * request acts for. {@link io.warmpath.contracts.assertion.Assertion} holds its claims,
 * {@link io.warmpath.contracts.assertion.Audiences} the names of the services it can be for.
 */
@NullMarked
package io.warmpath.contracts.assertion;

import org.jspecify.annotations.NullMarked;
