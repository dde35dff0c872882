package io.warmpath.cli.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.Map;

/**
 * Mints RS256 development tokens signed with the key from {@link DevKeys}. The gateway accepts them when it trusts
 * that key's public half and the claims fit (see {@link TokenSpec#devDefaults()}).
 */
public final class DevTokens {

    private DevTokens() {
    }

    /** A token with {@link TokenSpec#devDefaults()}, signed with the key in {@code keyDir}. */
    public static String mint(Path keyDir) throws IOException {
        return mint(keyDir, TokenSpec.devDefaults());
    }

    /**
     * A compact JWS signed with the key in {@code keyDir}.
     *
     * @throws MissingDevKeyException when {@code keyDir} holds no signing key
     */
    public static String mint(Path keyDir, TokenSpec spec) throws IOException {
        return mint(DevKeys.load(keyDir), spec);
    }

    /** A compact JWS signed with {@code key} (which must hold a private half); the header carries its {@code kid}. */
    public static String mint(RSAKey key, TokenSpec spec) {
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256)
                .type(JOSEObjectType.JWT)
                .keyID(key.getKeyID())
                .build();
        SignedJWT jwt = new SignedJWT(header, claims(spec));
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign with key " + key.getKeyID(), e);
        }
        return jwt.serialize();
    }

    static JWTClaimsSet claims(TokenSpec spec) {
        // JWT times are whole seconds; truncating first keeps exp - iat exactly the ttl.
        Instant issuedAt = (spec.issuedAt() != null ? spec.issuedAt() : Instant.now()).truncatedTo(ChronoUnit.SECONDS);
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(spec.issuer())
                .audience(spec.audience())
                .subject(spec.subject())
                .issueTime(Date.from(issuedAt))
                .expirationTime(Date.from(issuedAt.plus(spec.ttl())));
        if (spec.tenant() != null) {
            claims.claim("tenant", spec.tenant());
        }
        if (!spec.scopes().isEmpty()) {
            claims.claim("scope", String.join(" ", spec.scopes()));
        }
        if (!spec.roles().isEmpty()) {
            claims.claim("roles", spec.roles());
        }
        if (spec.region() != null) {
            claims.claim("region", spec.region());
        }
        if (spec.clearance() != null) {
            claims.claim("clearance", spec.clearance());
        }
        for (Map.Entry<String, Object> claim : spec.extraClaims().entrySet()) {
            claims.claim(claim.getKey(), claim.getValue());
        }
        return claims.build();
    }
}
