package io.warmpath.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.function.Consumer;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/** A throwaway RSA key pair: the public half as a PEM file for the gateway, the private half signs test tokens. */
final class TestTokens {

    private final RSAKey key;
    private final Path publicKeyFile;

    TestTokens() {
        try {
            key = new RSAKeyGenerator(2048).generate();
            String pem = "-----BEGIN PUBLIC KEY-----\n"
                    + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.toRSAPublicKey().getEncoded())
                    + "\n-----END PUBLIC KEY-----\n";
            publicKeyFile = Files.createTempFile("gateway-test-public-key", ".pem");
            publicKeyFile.toFile().deleteOnExit();
            Files.writeString(publicKeyFile, pem, StandardCharsets.US_ASCII);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String publicKeyLocation() {
        return publicKeyFile.toUri().toString();
    }

    /** A valid dev token for the tenant, with scope {@code inference:invoke}. */
    String forTenant(String tenant) {
        return token(claims -> claims.claim("tenant", tenant));
    }

    /** A token that starts valid (tenant "acme", scope inference:invoke) and is then changed by the customizer. */
    String token(Consumer<JWTClaimsSet.Builder> customizer) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer("warmpath-dev")
                .audience("warmpath")
                .subject("agent-1")
                .claim("tenant", "acme")
                .claim("scope", "inference:invoke sessions:write")
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(5))));
        customizer.accept(claims);
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                    claims.build());
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
