package io.warmpath.assertion;

import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import java.util.List;

import com.github.benmanes.caffeine.cache.Ticker;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.warmpath.assertion.testing.TestAssertions;
import io.warmpath.contracts.DataClass;
import io.warmpath.contracts.assertion.Assertion;
import io.warmpath.contracts.assertion.Audiences;
import io.warmpath.contracts.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AssertionJwtDecoderTest {

    private static final Duration SKEW = Duration.ofSeconds(30);
    private static final Duration MAX_CACHE_AGE = Duration.ofSeconds(60);

    private final TestAssertions keys = TestAssertions.create();
    private final MutableClock clock = new MutableClock();
    private final Ticker ticker = clock::nanos;
    private final AssertionIssuer issuer = new AssertionIssuer(keys.signingKey(), Audiences.GATEWAY_ISSUER,
            Duration.ofMinutes(11), Duration.ofSeconds(30), clock, ticker);
    private final AssertionJwtDecoder sessions = decoderFor(Audiences.SESSIONS);

    @Test
    void anAssertionReadsBackWithEveryClaim() {
        Assertion sent = new Assertion("acme", "alice", List.of("inference:invoke", "sessions:write"),
                List.of("analyst", "admin"), "confidential", "eu-west", "code-review", DataClass.CONFIDENTIAL,
                "eu-west", "ses_1", true);
        Jwt jwt = sessions.decode(issuer.mint(sent, Audiences.SESSIONS));
        assertThat(AssertionJwtDecoder.assertionOf(jwt)).isEqualTo(sent);
        assertThat(jwt.getAudience()).containsExactly(Audiences.SESSIONS);
        assertThat(jwt.getClaimAsString("iss")).isEqualTo(Audiences.GATEWAY_ISSUER);
        assertThat(jwt.getHeaders()).containsEntry("alg", "ES256").containsKey("kid");
    }

    @Test
    void theCallerIsReadOnceAndRememberedWithItsToken() {
        Assertion sent = TestAssertions.caller("acme");
        String token = issuer.mint(sent, Audiences.SESSIONS);
        AssertionAuthentication first = sessions.authenticate(token);
        assertThat(first.assertion()).isEqualTo(sent);
        assertThat(first.getAuthorities()).extracting(Object::toString).containsExactly("SCOPE_inference:invoke");
        assertThat(sessions.authenticate(token)).as("remembered").isSameAs(first);
        assertThat(sessions.decode(token)).isSameAs(first.getToken());
    }

    @Test
    void aSessionWithoutStatedLimitsHasLimitsAndAMissingDataClassIsTheStrictest() {
        String token = sign(keys.signingKey(), claims(Audiences.SESSIONS).claim("session", "ses_1").build());
        Assertion read = AssertionJwtDecoder.assertionOf(sessions.decode(token));
        assertThat(read.sessionLimited()).isTrue();
        assertThat(read.dataClass()).isEqualTo(DataClass.REGULATED);
    }

    @Test
    void anAssertionForAnotherServiceIsRefused() {
        String forCells = issuer.mint(TestAssertions.caller("acme"), Audiences.INFERENCE);
        assertThatThrownBy(() -> sessions.decode(forCells)).isInstanceOf(BadJwtException.class)
                .hasMessageContaining("aud");
    }

    @Test
    void anExpiredAssertionIsRefusedOnceTheSkewHasPassed() {
        String token = issuer.mint(TestAssertions.caller("acme"), Audiences.SESSIONS);
        clock.advance(Duration.ofMinutes(11).plus(SKEW).minusSeconds(1));
        assertThat(decoderFor(Audiences.SESSIONS).decode(token)).isNotNull();
        clock.advance(Duration.ofSeconds(2));
        assertThatThrownBy(() -> decoderFor(Audiences.SESSIONS).decode(token)).isInstanceOf(BadJwtException.class)
                .hasMessageContaining("Expired");
    }

    @Test
    void aRememberedAssertionStillExpires() {
        String token = issuer.mint(TestAssertions.caller("acme"), Audiences.SESSIONS);
        sessions.decode(token);
        clock.advance(Duration.ofMinutes(12));
        assertThatThrownBy(() -> sessions.decode(token)).isInstanceOf(BadJwtException.class);
    }

    @Test
    void anAssertionSignedWithAKeyOutsideTheSetIsRefused() {
        ECKey stranger = TestAssertions.newKey();
        ECKey sameKidOtherKey = new ECKey.Builder(TestAssertions.newKey()).keyID(keys.signingKey().getKeyID()).build();
        for (ECKey forger : List.of(stranger, sameKidOtherKey)) {
            String forged = sign(forger, claims(Audiences.SESSIONS).build());
            assertThatThrownBy(() -> sessions.decode(forged)).isInstanceOf(BadJwtException.class);
        }
    }

    @Test
    void aTamperedAssertionIsRefused() {
        String token = issuer.mint(TestAssertions.caller("acme"), Audiences.SESSIONS);
        String[] parts = token.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1])).replace("acme", "evil");
        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes())
                + "." + parts[2];
        assertThatThrownBy(() -> sessions.decode(tampered)).isInstanceOf(BadJwtException.class);
    }

    @Test
    void onlySignedEs256AssertionsOfTheAssertionTypeAreAccepted() throws Exception {
        JWTClaimsSet claims = claims(Audiences.SESSIONS).build();
        String unsigned = new PlainJWT(claims).serialize();
        SignedJWT hmac = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256)
                .type(new JOSEObjectType(AssertionIssuer.TYPE)).build(), claims);
        hmac.sign(new MACSigner(new byte[32]));
        SignedJWT userToken = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256)
                .keyID(keys.signingKey().getKeyID()).type(JOSEObjectType.JWT).build(), claims);
        userToken.sign(new ECDSASigner(keys.signingKey()));
        for (String token : List.of(unsigned, hmac.serialize(), userToken.serialize(), "not-a-jwt", "")) {
            assertThatThrownBy(() -> sessions.decode(token)).as(token).isInstanceOf(BadJwtException.class);
        }
    }

    @Test
    void anAssertionWithoutAnIdOrFromAnotherIssuerIsRefused() {
        JWTClaimsSet noId = new JWTClaimsSet.Builder(claims(Audiences.SESSIONS).build()).jwtID(null).build();
        JWTClaimsSet otherIssuer = claims(Audiences.SESSIONS).issuer("someone-else").build();
        for (JWTClaimsSet claims : List.of(noId, otherIssuer)) {
            String token = sign(keys.signingKey(), claims);
            assertThatThrownBy(() -> sessions.decode(token)).isInstanceOf(BadJwtException.class);
        }
    }

    @Test
    void aRolloverAcceptsOldAndNewKeysUntilTheOldOneIsRetired() {
        ECKey next = TestAssertions.newKey();
        AssertionIssuer rotated = new AssertionIssuer(next, Audiences.GATEWAY_ISSUER, Duration.ofMinutes(11),
                Duration.ofSeconds(30), clock, ticker);
        String old = issuer.mint(TestAssertions.caller("acme"), Audiences.SESSIONS);
        String fresh = rotated.mint(TestAssertions.caller("beta"), Audiences.SESSIONS);
        assertThatThrownBy(() -> sessions.decode(fresh)).as("before the new key is published")
                .isInstanceOf(BadJwtException.class);

        keys.publish(next);
        assertThat(decoderFor(Audiences.SESSIONS).decode(fresh)).isNotNull();
        AssertionJwtDecoder duringRollover = decoderFor(Audiences.SESSIONS);
        assertThat(duringRollover.decode(old)).isNotNull();
        assertThat(duringRollover.decode(fresh)).isNotNull();

        keys.retire(keys.signingKey());
        AssertionJwtDecoder after = decoderFor(Audiences.SESSIONS);
        assertThatThrownBy(() -> after.decode(old)).isInstanceOf(BadJwtException.class);
        assertThat(after.decode(fresh)).isNotNull();
    }

    @Test
    void aRetiredKeysRememberedAssertionsLastAtMostTheCacheAge() {
        String token = issuer.mint(TestAssertions.caller("acme"), Audiences.SESSIONS);
        sessions.decode(token);
        keys.retire(keys.signingKey());
        assertThat(sessions.decode(token)).as("remembered").isNotNull();
        clock.advance(MAX_CACHE_AGE.plusSeconds(1));
        // The key set is fetched again for a token it no longer remembers; the key is gone.
        assertThatThrownBy(() -> decoderFor(Audiences.SESSIONS).decode(token)).isInstanceOf(BadJwtException.class);
    }

    @Test
    void errorsNeverQuoteTheToken() {
        String token = issuer.mint(TestAssertions.caller("acme"), Audiences.INFERENCE);
        assertThatThrownBy(() -> sessions.decode(token)).satisfies(failure ->
                assertThat(failure.getMessage()).doesNotContain(token.split("\\.")[1]));
    }

    private AssertionJwtDecoder decoderFor(String audience) {
        return new AssertionJwtDecoder(AssertionKeys.keySet(AssertionKeys.urlOf(keys.jwkSetFile().toUri()),
                Duration.ofMinutes(5)), Audiences.GATEWAY_ISSUER, audience, SKEW, MAX_CACHE_AGE, clock, ticker);
    }

    private JWTClaimsSet.Builder claims(String audience) {
        Date now = Date.from(clock.instant());
        return new JWTClaimsSet.Builder().issuer(Audiences.GATEWAY_ISSUER).audience(audience).issueTime(now)
                .expirationTime(Date.from(clock.instant().plusSeconds(60))).jwtID("id-1").claim("tenant", "acme");
    }

    private static String sign(ECKey key, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID())
                    .type(new JOSEObjectType(AssertionIssuer.TYPE)).build(), claims);
            jwt.sign(new ECDSASigner(key));
            return jwt.serialize();
        }
        catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
