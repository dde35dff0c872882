package io.warmpath.gateway.assertions;

import java.time.Duration;

import io.warmpath.contracts.assertion.Audiences;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.core.io.Resource;

/**
 * How the gateway signs internal assertions ({@code warmpath.gateway.assertions.*}).
 *
 * @param signingKeyLocation the private EC P-256 JWK (with a {@code kid}) assertions are signed with; required
 * @param publishedKeys      more public keys to publish at {@code /.well-known/jwks.json} besides the signing key's:
 *                           the next key before a rollover, the previous one after it
 * @param issuer             the {@code iss} of every assertion
 * @param reuse              how long one signed assertion is handed out again for the same caller, facts and audience
 * @param lifetime           from signing to expiry: the reuse, the longest request ({@code request-timeout}) and the
 *                           clock skew services tolerate, so an assertion outlives every request that starts with it
 */
@ConfigurationProperties("warmpath.gateway.assertions")
public record GatewayAssertionProperties(
        @Nullable Resource signingKeyLocation,
        @Nullable Resource publishedKeys,
        @DefaultValue(Audiences.GATEWAY_ISSUER) String issuer,
        @DefaultValue("30s") Duration reuse,
        @DefaultValue("11m") Duration lifetime) {
}
