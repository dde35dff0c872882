package io.warmpath.session.warmup;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import com.github.benmanes.caffeine.cache.Ticker;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import io.warmpath.assertion.AssertionIssuer;
import io.warmpath.assertion.AssertionJwtDecoder;
import io.warmpath.contracts.DataClass;
import io.warmpath.contracts.assertion.Assertion;
import io.warmpath.contracts.assertion.Audiences;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.stereotype.Component;

/**
 * The warm-up's own credentials. The warm-up calls the service's API over HTTP before it is ready, and the API takes
 * only assertions, which only the gateway signs; so the service makes a key pair of its own at startup, signs the
 * warm-up's assertions with it (tenant {@value WarmUp#TENANT} only), and accepts them until the warm-up ends, when the
 * key is forgotten for good. The private key never leaves this object; no other assertion is signed with it.
 */
@Component
public class WarmUpAssertions {

    private static final String ISSUER = "warmpath-session-warm-up";

    private final String keyId = "warm-up-" + UUID.randomUUID();
    private final AssertionIssuer issuer;
    private final AssertionJwtDecoder decoder;
    private volatile boolean accepting = true;

    WarmUpAssertions() {
        ECKey key;
        try {
            key = new ECKeyGenerator(Curve.P_256).keyID(keyId).generate();
        }
        catch (JOSEException e) {
            throw new IllegalStateException("Cannot make the warm-up's key", e);
        }
        this.issuer = AssertionIssuer.create(key, ISSUER, Duration.ofMinutes(5), Duration.ofMinutes(1));
        this.decoder = new AssertionJwtDecoder(new ImmutableJWKSet<>(new JWKSet(key.toPublicJWK())), ISSUER,
                Audiences.SESSIONS, Duration.ZERO, Duration.ofMinutes(1), Clock.systemUTC(), Ticker.systemTicker());
    }

    /** {@code Bearer} and an assertion of the warm-up's tenant. */
    String bearer() {
        return "Bearer " + issuer.mint(new Assertion(WarmUp.TENANT, "warm-up", List.of(), List.of(), null, null, null,
                DataClass.INTERNAL, null, null, true), Audiences.SESSIONS);
    }

    /** Stops accepting the warm-up's assertions, for good. */
    void close() {
        accepting = false;
    }

    /** {@code assertions}, which also accepts the warm-up's own while it runs. */
    public JwtDecoder around(JwtDecoder assertions) {
        return token -> accepting && signedHere(token) ? decoder.decode(token) : assertions.decode(token);
    }

    private boolean signedHere(String token) {
        try {
            return keyId.equals(JWSObject.parse(token).getHeader().getKeyID());
        }
        catch (ParseException notAJws) {
            return false;
        }
    }
}
