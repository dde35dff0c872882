package io.warmpath.assertion.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.warmpath.assertion.AssertionIssuer;
import io.warmpath.assertion.AssertionKeys;
import io.warmpath.contracts.DataClass;
import io.warmpath.contracts.assertion.Assertion;
import io.warmpath.contracts.assertion.Audiences;
import org.springframework.core.io.ClassPathResource;

/**
 * Assertion keys and tokens for tests, as the gateway would mint them.
 * <ul>
 *   <li>{@link #shared()}: the test key committed in this test-jar, which services under test trust through
 *       {@code warmpath.assertion.jwk-set-location=classpath:}{@value #SHARED_KEY_SET} (their test
 *       {@code application.properties}); the gateway signs with {@code classpath:}{@value #SHARED_SIGNING_KEY}.</li>
 *   <li>{@link #create()}: a fresh key whose public key set lives in a temporary file that tests can change (key
 *       rotation).</li>
 * </ul>
 * Test keys only: nothing outside tests trusts them.
 */
public final class TestAssertions {

    /** The public key set of {@link #shared()}, on the test classpath. */
    public static final String SHARED_KEY_SET = "test-assertion-jwks.json";
    /** The private key of {@link #shared()}, on the test classpath. */
    public static final String SHARED_SIGNING_KEY = "test-assertion-signing-key.json";

    private static volatile TestAssertions shared;

    private final Path directory;
    private final ECKey signingKey;
    private final List<JWK> published = new ArrayList<>();
    private final AssertionIssuer issuer;

    private TestAssertions(ECKey signingKey) {
        try {
            this.directory = Files.createTempDirectory("warmpath-assertion-keys");
            directory.toFile().deleteOnExit();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.signingKey = signingKey;
        this.issuer = AssertionIssuer.create(signingKey, Audiences.GATEWAY_ISSUER, Duration.ofMinutes(11),
                Duration.ofSeconds(30));
        publish(signingKey);
    }

    /** A fresh key, published in its own temporary key set file. */
    public static TestAssertions create() {
        return new TestAssertions(newKey());
    }

    /** The committed test key that services under test trust. */
    public static TestAssertions shared() {
        if (shared == null) {
            synchronized (TestAssertions.class) {
                if (shared == null) {
                    shared = new TestAssertions(AssertionKeys.signingKey(new ClassPathResource(SHARED_SIGNING_KEY)));
                }
            }
        }
        return shared;
    }

    /** A new EC P-256 key with a random {@code kid}. */
    public static ECKey newKey() {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID("test-" + UUID.randomUUID()).generate();
        }
        catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The key set file verifiers read. */
    public Path jwkSetFile() {
        return directory.resolve("assertion-jwks.json");
    }

    /** {@code file:} URL of {@link #jwkSetFile()}, for {@code warmpath.assertion.jwk-set-location}. */
    public String jwkSetLocation() {
        return jwkSetFile().toUri().toString();
    }

    /** The signing key as a private JWK file, for the gateway's {@code signing-key-location}. */
    public String signingKeyLocation() {
        Path file = directory.resolve("assertion-signing-key.json");
        try {
            Files.writeString(file, signingKey.toJSONString());
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        file.toFile().deleteOnExit();
        return file.toUri().toString();
    }

    public ECKey signingKey() {
        return signingKey;
    }

    public AssertionIssuer issuer() {
        return issuer;
    }

    /** A signed assertion for the audience. */
    public String mint(Assertion assertion, String audience) {
        return issuer.mint(assertion, audience);
    }

    /** {@code Bearer} and a signed assertion for the audience. */
    public String bearer(Assertion assertion, String audience) {
        return "Bearer " + mint(assertion, audience);
    }

    /** Adds a key's public half to the key set file (a rollover's first step). */
    public void publish(JWK key) {
        published.add(key.toPublicJWK());
        write();
    }

    /** Removes a key from the key set file (a rollover's last step). */
    public void retire(JWK key) {
        published.removeIf(candidate -> candidate.getKeyID().equals(key.getKeyID()));
        write();
    }

    /** A caller of {@code tenant} with {@code inference:invoke}, internal data and no session. */
    public static Assertion caller(String tenant) {
        return new Assertion(tenant, "user-" + tenant, List.of("inference:invoke"), List.of(), null, null, null,
                DataClass.INTERNAL, null, null, false);
    }

    /** A turn of a session of {@code tenant}. */
    public static Assertion sessionTurn(String tenant, String sessionId, boolean limited) {
        return caller(tenant).forSession(sessionId, limited, DataClass.INTERNAL, null);
    }

    private void write() {
        Path file = jwkSetFile();
        Path next = directory.resolve("assertion-jwks.json.next");
        try {
            Files.writeString(next, new JWKSet(published).toString(true));
            Files.move(next, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        file.toFile().deleteOnExit();
    }
}
