/**
 * policy-service: Cedar decisions on region, data class and role for every Warmpath service. Deny by default;
 * callers (through {@code policy-client}) treat every failure as a deny.
 */
@NullMarked
package io.warmpath.policy;

import org.jspecify.annotations.NullMarked;
