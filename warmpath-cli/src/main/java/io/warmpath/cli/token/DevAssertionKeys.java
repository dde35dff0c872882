package io.warmpath.cli.token;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.warmpath.contracts.assertion.Assertion;
import io.warmpath.contracts.assertion.Audiences;

/**
 * The development key of internal assertions: the gateway signs with it in local runs, and the services behind it
 * trust its public half.
 * <ul>
 *   <li>{@value #SIGNING_KEY_FILE}: the private EC P-256 JWK, file mode 600, for the gateway's
 *       {@code warmpath.gateway.assertions.signing-key-location};</li>
 *   <li>{@value #KEY_SET_FILE}: the public JWK set, for every other service's
 *       {@code warmpath.assertion.jwk-set-location}.</li>
 * </ul>
 * {@link #mint} signs an assertion as the gateway would, for talking to a service directly (benchmarks).
 */
public final class DevAssertionKeys {

    public static final String SIGNING_KEY_FILE = "assertion-signing-key.json";
    public static final String KEY_SET_FILE = "assertion-jwks.json";
    /** The JOSE type services accept; the same as the gateway's. */
    static final String TYPE = "warmpath-assertion+jwt";

    private DevAssertionKeys() {
    }

    /**
     * Creates the key in {@code dir} unless one is there; a missing key set next to an existing key is derived again.
     *
     * @return true when a new key was created
     */
    public static boolean ensure(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path signingKey = dir.resolve(SIGNING_KEY_FILE);
        Path keySet = dir.resolve(KEY_SET_FILE);
        if (Files.exists(signingKey)) {
            if (!Files.exists(keySet)) {
                DevKeys.writeAtomically(keySet, new JWKSet(load(dir).toPublicJWK()).toString(true) + "\n", false);
            }
            return false;
        }
        ECKey key;
        try {
            key = new ECKeyGenerator(Curve.P_256).keyID("dev-assertion-" + UUID.randomUUID()).generate();
        }
        catch (JOSEException e) {
            throw new IllegalStateException("cannot generate the assertion key", e);
        }
        // Public first: a reader that sees the signing key can rely on the key set being there too.
        DevKeys.writeAtomically(keySet, new JWKSet(key.toPublicJWK()).toString(true) + "\n", false);
        DevKeys.writeAtomically(signingKey, key.toJSONString() + "\n", true);
        return true;
    }

    /**
     * The signing key of {@code dir}.
     *
     * @throws MissingDevKeyException when the directory holds none
     */
    public static ECKey load(Path dir) throws IOException {
        Path signingKey = dir.resolve(SIGNING_KEY_FILE);
        if (!Files.exists(signingKey)) {
            throw new MissingDevKeyException(signingKey);
        }
        try {
            return JWK.parse(Files.readString(signingKey, StandardCharsets.UTF_8)).toECKey();
        }
        catch (ParseException e) {
            throw new IOException(signingKey + " is not an EC JWK: " + e.getMessage(), e);
        }
    }

    /** An assertion for {@code audience}, signed with the key of {@code dir}, valid for {@code lifetime}. */
    public static String mint(Path dir, Assertion assertion, String audience, Duration lifetime) throws IOException {
        ECKey key = load(dir);
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(Audiences.GATEWAY_ISSUER)
                .audience(audience)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(lifetime)))
                .jwtID(UUID.randomUUID().toString());
        assertion.toClaims().forEach(claims::claim);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID())
                .type(new JOSEObjectType(TYPE)).build(), claims.build());
        try {
            jwt.sign(new ECDSASigner(key));
        }
        catch (JOSEException e) {
            throw new IllegalStateException("cannot sign the assertion", e);
        }
        return jwt.serialize();
    }
}
