package io.warmpath.assertion;

import java.time.Duration;
import java.util.List;

import com.nimbusds.jwt.SignedJWT;
import io.warmpath.assertion.testing.TestAssertions;
import io.warmpath.contracts.assertion.Audiences;
import io.warmpath.contracts.testing.MutableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AssertionIssuerTest {

    private final MutableClock clock = new MutableClock();
    private final AssertionIssuer issuer = new AssertionIssuer(TestAssertions.newKey(), Audiences.GATEWAY_ISSUER,
            Duration.ofMinutes(11), Duration.ofSeconds(30), clock, clock::nanos);

    @Test
    void theSameCallerAndAudienceGetTheSameAssertionWhileItIsFresh() {
        String first = issuer.mint(TestAssertions.caller("acme"), Audiences.INFERENCE);
        clock.advance(Duration.ofSeconds(29));
        assertThat(issuer.mint(TestAssertions.caller("acme"), Audiences.INFERENCE)).isEqualTo(first);
        clock.advance(Duration.ofSeconds(2));
        assertThat(issuer.mint(TestAssertions.caller("acme"), Audiences.INFERENCE)).isNotEqualTo(first);
    }

    @Test
    void anyOtherClaimOrAudienceIsAnotherAssertion() {
        String acme = issuer.mint(TestAssertions.caller("acme"), Audiences.INFERENCE);
        assertThat(issuer.mint(TestAssertions.caller("acme"), Audiences.SESSIONS)).isNotEqualTo(acme);
        assertThat(issuer.mint(TestAssertions.caller("beta"), Audiences.INFERENCE)).isNotEqualTo(acme);
        assertThat(issuer.mint(TestAssertions.sessionTurn("acme", "ses_1", true), Audiences.INFERENCE))
                .isNotEqualTo(acme);
    }

    @Test
    void itsLifetimeCoversTheReuseAndItNamesItsKey() throws Exception {
        SignedJWT jwt = SignedJWT.parse(issuer.mint(TestAssertions.caller("acme"), Audiences.POLICY));
        assertThat(Duration.between(jwt.getJWTClaimsSet().getIssueTime().toInstant(),
                jwt.getJWTClaimsSet().getExpirationTime().toInstant())).isEqualTo(Duration.ofMinutes(11));
        assertThat(jwt.getHeader().getKeyID()).isEqualTo(issuer.publicKeys().getKeys().getFirst().getKeyID());
        assertThat(jwt.getJWTClaimsSet().getAudience()).isEqualTo(List.of(Audiences.POLICY));
        assertThat(issuer.publicKeys().getKeys().getFirst().isPrivate()).isFalse();
    }

    @Test
    void refusesKeysItCannotSignWithAndALifetimeShorterThanItsReuse() {
        assertThatThrownBy(() -> AssertionIssuer.create(TestAssertions.newKey().toPublicJWK(), "gw",
                Duration.ofMinutes(1), Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AssertionIssuer.create(TestAssertions.newKey(), "gw", Duration.ofSeconds(30),
                Duration.ofSeconds(30))).isInstanceOf(IllegalArgumentException.class);
    }
}
