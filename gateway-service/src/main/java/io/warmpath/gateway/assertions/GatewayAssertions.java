package io.warmpath.gateway.assertions;

import java.util.List;

import io.warmpath.assertion.AssertionIssuer;
import io.warmpath.contracts.assertion.Assertion;
import io.warmpath.contracts.assertion.Audiences;
import io.warmpath.contracts.policy.Principal;
import io.warmpath.gateway.security.Caller;
import io.warmpath.policy.client.PolicyCredentials;

/**
 * The assertions the gateway makes: for a caller's request to a service, for its own calls (probing cells), and the
 * credentials its policy checks ask with. Minting is a lookup while an assertion is reused (see
 * {@link AssertionIssuer}).
 */
public final class GatewayAssertions {

    /** The subject of the gateway's own assertions. */
    public static final String GATEWAY = "warmpath-gateway";
    /** The scope a cell requires for {@code /cell/status}. */
    public static final String CELL_STATUS_SCOPE = "cells:status";

    private final AssertionIssuer issuer;

    public GatewayAssertions(AssertionIssuer issuer) {
        this.issuer = issuer;
    }

    /** The signed assertion, for the service named by {@code audience}. */
    public String mint(Assertion assertion, String audience) {
        return issuer.mint(assertion, audience);
    }

    /** The gateway's own assertion for reading a cell's status. */
    public String cellProbe() {
        return issuer.mint(Assertion.service(GATEWAY, List.of(CELL_STATUS_SCOPE)), Audiences.INFERENCE);
    }

    /** Credentials for asking policy-service about a principal: an assertion of that caller. */
    public PolicyCredentials forPolicy() {
        return principal -> issuer.mint(callerOf(principal).assertion(), Audiences.POLICY);
    }

    private static Caller callerOf(Principal principal) {
        return new Caller(String.valueOf(principal.tenant()), principal.id(), List.of(), principal.roles() == null
                ? List.of() : principal.roles().stream().filter(role -> role != null).toList(),
                principal.homeRegion(), principal.clearance(), null);
    }
}
