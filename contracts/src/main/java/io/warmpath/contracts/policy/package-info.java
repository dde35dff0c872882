/**
 * policy-service's decision API, {@code POST /v1/decisions}: may this principal perform this action on this
 * resource? {@link io.warmpath.contracts.policy.PolicyServiceApi} is the client; the records are the bodies on both
 * sides. Fields are nullable on the wire so that policy-service can say which one is missing.
 */
@NullMarked
package io.warmpath.contracts.policy;

import org.jspecify.annotations.NullMarked;
