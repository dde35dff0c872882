package io.warmpath.assertion;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;
import java.util.UUID;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.warmpath.contracts.assertion.Assertion;

/**
 * Mints internal assertions: ES256 JWTs signed with the gateway's key, typed {@value #TYPE}, for one audience.
 *
 * <p>An assertion is reused: the same claims for the same audience get the same token for {@code reuse} after it was
 * signed (signing costs about a hundred microseconds; a lookup, well under one), and its lifetime covers that reuse
 * plus the longest request and the clock skew, so a request that starts with it can finish with it. Every claim
 * that differs (another session, data class or caller) is another assertion. Thread-safe.
 */
public final class AssertionIssuer {

    /** The JOSE {@code typ} of an internal assertion; verifiers refuse other types (a user's token, say). */
    public static final String TYPE = "warmpath-assertion+jwt";

    private final ECKey signingKey;
    private final ECDSASigner signer;
    private final JWSHeader header;
    private final String issuer;
    private final Duration lifetime;
    private final Clock clock;
    private final Cache<MintKey, String> minted;

    /**
     * @param signingKey an EC P-256 private key with a key id
     * @param issuer     the {@code iss} of every assertion
     * @param lifetime   from signing to expiry; must exceed {@code reuse}
     * @param reuse      how long one signed assertion is handed out again
     */
    public AssertionIssuer(ECKey signingKey, String issuer, Duration lifetime, Duration reuse, Clock clock,
            Ticker ticker) {
        if (!signingKey.isPrivate() || signingKey.getKeyID() == null) {
            throw new IllegalArgumentException("The assertion signing key must be a private EC key with a kid");
        }
        if (lifetime.compareTo(reuse) <= 0) {
            throw new IllegalArgumentException("An assertion's lifetime must exceed its reuse");
        }
        try {
            this.signer = new ECDSASigner(signingKey);
        }
        catch (JOSEException e) {
            throw new IllegalArgumentException("Not an EC signing key: " + e.getMessage(), e);
        }
        this.signingKey = signingKey;
        this.header = new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(signingKey.getKeyID())
                .type(new JOSEObjectType(TYPE)).build();
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.lifetime = lifetime;
        this.clock = clock;
        this.minted = Caffeine.newBuilder().expireAfterWrite(reuse).maximumSize(100_000).ticker(ticker).build();
    }

    /** An issuer on the system clock. */
    public static AssertionIssuer create(ECKey signingKey, String issuer, Duration lifetime, Duration reuse) {
        return new AssertionIssuer(signingKey, issuer, lifetime, reuse, Clock.systemUTC(), Ticker.systemTicker());
    }

    /** A signed assertion of {@code assertion} for {@code audience}: a reused one while it is fresh. */
    public String mint(Assertion assertion, String audience) {
        return minted.get(new MintKey(assertion, audience), this::sign);
    }

    /** The public half of the signing key, as a verifier's key set lists it. */
    public JWKSet publicKeys() {
        return new JWKSet(signingKey.toPublicJWK());
    }

    private String sign(MintKey key) {
        Instant now = clock.instant();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(key.audience())
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(lifetime)))
                .jwtID(UUID.randomUUID().toString());
        key.assertion().toClaims().forEach(claims::claim);
        SignedJWT jwt = new SignedJWT(header, claims.build());
        try {
            jwt.sign(signer);
        }
        catch (JOSEException e) {
            throw new IllegalStateException("Signing an assertion failed", e);
        }
        return jwt.serialize();
    }

    private record MintKey(Assertion assertion, String audience) {
    }
}
