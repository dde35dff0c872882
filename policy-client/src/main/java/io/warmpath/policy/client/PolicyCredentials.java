package io.warmpath.policy.client;

import io.warmpath.contracts.policy.Principal;
import org.jspecify.annotations.Nullable;

/**
 * The internal assertion (for {@code policy-service}) a call about a principal is made with. A question about a
 * principal can only be asked with an assertion of that principal's tenant.
 */
@FunctionalInterface
public interface PolicyCredentials {

    /** The assertion to ask about {@code principal} with, or {@code null} when none can be had (the call fails closed). */
    @Nullable String assertionFor(Principal principal);
}
