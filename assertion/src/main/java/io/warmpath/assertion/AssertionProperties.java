package io.warmpath.assertion;

import java.net.URI;
import java.time.Duration;

import io.warmpath.contracts.assertion.Audiences;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.core.io.Resource;

/**
 * How a service behind the gateway verifies internal assertions ({@code warmpath.assertion.*}).
 *
 * @param audience       this service's name as assertions address it ({@code inference-service},
 *                       {@code session-service}, {@code policy-service}); verification is on when it is set
 * @param issuer         the required {@code iss}
 * @param jwkSetLocation the verification keys as a mounted JWK set file (checked for new keys every
 *                       {@code key-set-refresh}, and at once for a key a token names)
 * @param jwkSetUri      or the gateway's JWK set endpoint ({@code http://gateway:8080/.well-known/jwks.json})
 * @param clockSkew      tolerated clock difference with the gateway
 * @param maxCacheAge    how long a verified assertion is remembered at most
 * @param keySetRefresh  how long a fetched key set is used before it is fetched again
 */
@ConfigurationProperties("warmpath.assertion")
public record AssertionProperties(
        @Nullable String audience,
        @DefaultValue(Audiences.GATEWAY_ISSUER) String issuer,
        @Nullable Resource jwkSetLocation,
        @Nullable URI jwkSetUri,
        @DefaultValue("30s") Duration clockSkew,
        @DefaultValue("60s") Duration maxCacheAge,
        @DefaultValue("5m") Duration keySetRefresh) {
}
