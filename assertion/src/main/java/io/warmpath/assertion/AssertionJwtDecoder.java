package io.warmpath.assertion;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimNames;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.warmpath.contracts.assertion.Assertion;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

/**
 * Verifies internal assertions for one service: an ES256 signature by a key of the configured set, the type
 * {@value AssertionIssuer#TYPE}, the issuer, this service as audience, and {@code exp}/{@code nbf} within the clock
 * skew; {@code tenant}-less assertions pass here (the gateway's own calls) and are refused by the endpoints that need
 * a tenant.
 *
 * <p>What it verified it remembers, by token, until the token expires or {@code maxCacheAge} passes (whichever is
 * first), so a reused assertion costs a lookup; a key removed from the set stops new tokens at once and remembered
 * ones within {@code maxCacheAge}. Errors never quote the token. Thread-safe.
 */
public final class AssertionJwtDecoder implements JwtDecoder {

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final Clock clock;
    private final Duration maxCacheAge;
    private final AssertionAuthenticationConverter converter = new AssertionAuthenticationConverter();
    private final Cache<String, AssertionAuthentication> verified;

    /**
     * @param keys        the verification keys (rotation: the set holds old and new keys during a rollover)
     * @param issuer      the required {@code iss}
     * @param audience    this service; the token's {@code aud} must include it
     * @param clockSkew   tolerated difference between the issuer's clock and this one
     * @param maxCacheAge longest a verified token is remembered
     */
    public AssertionJwtDecoder(JWKSource<SecurityContext> keys, String issuer, String audience, Duration clockSkew,
            Duration maxCacheAge, Clock clock, Ticker ticker) {
        this.clock = clock;
        this.maxCacheAge = maxCacheAge;
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType(AssertionIssuer.TYPE)));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256, keys));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(audience,
                new JWTClaimsSet.Builder().issuer(issuer).build(),
                Set.of(JWTClaimNames.EXPIRATION_TIME, JWTClaimNames.ISSUED_AT, JWTClaimNames.JWT_ID)) {
            @Override
            protected Date currentTime() {
                return Date.from(clock.instant());
            }
        };
        claims.setMaxClockSkew(Math.toIntExact(clockSkew.toSeconds()));
        processor.setJWTClaimsSetVerifier(claims);
        this.verified = Caffeine.newBuilder()
                .maximumSize(100_000)
                .ticker(ticker)
                .expireAfter(Expiry.<String, AssertionAuthentication>creating(
                        (token, authentication) -> untilExpiry(authentication.getToken())))
                .build();
    }

    @Override
    public Jwt decode(String token) throws JwtException {
        return authenticate(token).getToken();
    }

    /**
     * The caller a token stands for, verified as {@link #decode} does; remembered with the token, so a reused
     * assertion costs one lookup, claims and authorities included. Verifying a new one is CPU work of well under a
     * millisecond (the key set is fetched ahead of need), so reactive callers run it where they are.
     *
     * @throws JwtException when the token is not a valid assertion for this service
     */
    public AssertionAuthentication authenticate(String token) throws JwtException {
        AssertionAuthentication known = verified.getIfPresent(token);
        Instant expiresAt = known == null ? null : known.getToken().getExpiresAt();
        if (expiresAt != null && expiresAt.isAfter(clock.instant())) {
            return known;
        }
        AssertionAuthentication authentication = converter.convert(verify(token));
        verified.put(token, authentication);
        return authentication;
    }

    /** The assertion a verified token carries. */
    public static Assertion assertionOf(Jwt jwt) {
        return Assertion.fromClaims(jwt.getClaims());
    }

    private Jwt verify(String token) {
        try {
            SignedJWT signed = SignedJWT.parse(token);
            JWTClaimsSet claims = processor.process(signed, null);
            Map<String, Object> values = new LinkedHashMap<>(claims.getClaims());
            // Spring's Jwt reads times as Instants.
            values.put(JWTClaimNames.ISSUED_AT, claims.getIssueTime().toInstant());
            values.put(JWTClaimNames.EXPIRATION_TIME, claims.getExpirationTime().toInstant());
            if (claims.getNotBeforeTime() != null) {
                values.put(JWTClaimNames.NOT_BEFORE, claims.getNotBeforeTime().toInstant());
            }
            values.put(JWTClaimNames.AUDIENCE, claims.getAudience());
            return Jwt.withTokenValue(token)
                    .headers(headers -> headers.putAll(signed.getHeader().toJSONObject()))
                    .claims(all -> all.putAll(values))
                    .build();
        }
        catch (ParseException malformed) {
            throw new BadJwtException("The assertion is not a signed JWT");
        }
        catch (BadJOSEException | JOSEException rejected) {
            // Nimbus's messages name the check that failed (signature, audience, expiry), never the token.
            throw new BadJwtException("The assertion was rejected: " + rejected.getMessage());
        }
    }

    private Duration untilExpiry(Jwt jwt) {
        Instant expiresAt = jwt.getExpiresAt();
        Duration left = expiresAt == null ? Duration.ZERO : Duration.between(clock.instant(), expiresAt);
        return left.isNegative() ? Duration.ZERO : left.compareTo(maxCacheAge) < 0 ? left : maxCacheAge;
    }
}
