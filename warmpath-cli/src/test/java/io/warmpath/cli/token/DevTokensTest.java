package io.warmpath.cli.token;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DevTokensTest {

    @TempDir
    Path dir;

    @BeforeEach
    void createKeys() throws Exception {
        DevKeys.ensure(dir);
    }

    @Test
    void defaultTokenVerifiesWithThePublicKeyFileAndCarriesTheDevClaims() throws Exception {
        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);

        SignedJWT jwt = SignedJWT.parse(DevTokens.mint(dir));

        assertThat(jwt.verify(new RSASSAVerifier(DevKeysTest.readPublicKeyFile(dir)))).isTrue();
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        assertThat(jwt.getHeader().getKeyID()).isEqualTo(DevKeys.load(dir).getKeyID());
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo("warmpath-dev");
        assertThat(claims.getAudience()).containsExactly("warmpath");
        assertThat(claims.getSubject()).isEqualTo("dev-user");
        assertThat(claims.getStringClaim("tenant")).isEqualTo("dev");
        assertThat(claims.getStringClaim("scope")).isEqualTo("inference:invoke");
        assertThat(claims.getIssueTime()).isAfterOrEqualTo(Date.from(before));
        assertThat(claims.getExpirationTime().getTime() - claims.getIssueTime().getTime())
                .isEqualTo(Duration.ofHours(1).toMillis());
        assertThat(claims.getClaims()).doesNotContainKeys("roles", "region", "clearance");
    }

    @Test
    void tokenCarriesTheClaimsItWasAskedFor() throws Exception {
        TokenSpec spec = TokenSpec.devDefaults()
                .withTenant("acme")
                .withSubject("agent-7")
                .withScopes("inference:invoke", "sessions:write")
                .withRoles(List.of("analyst", "oncall"))
                .withRegion("eu-west")
                .withClearance("confidential")
                .withTtl(Duration.ofMinutes(5));

        JWTClaimsSet claims = SignedJWT.parse(DevTokens.mint(dir, spec)).getJWTClaimsSet();

        assertThat(claims.getStringClaim("tenant")).isEqualTo("acme");
        assertThat(claims.getSubject()).isEqualTo("agent-7");
        assertThat(claims.getStringClaim("scope")).isEqualTo("inference:invoke sessions:write");
        assertThat(claims.getStringListClaim("roles")).containsExactly("analyst", "oncall");
        assertThat(claims.getStringClaim("region")).isEqualTo("eu-west");
        assertThat(claims.getStringClaim("clearance")).isEqualTo("confidential");
        assertThat(claims.getExpirationTime().getTime() - claims.getIssueTime().getTime()).isEqualTo(300_000);
    }

    @Test
    void negativeTtlGivesATokenThatHasAlreadyExpired() throws Exception {
        JWTClaimsSet claims = SignedJWT.parse(
                DevTokens.mint(dir, TokenSpec.devDefaults().withTtl(Duration.ofSeconds(-120)))).getJWTClaimsSet();

        assertThat(claims.getExpirationTime()).isBefore(new Date());
    }

    @Test
    void nullOrEmptyFieldsLeaveTheirClaimsOut() throws Exception {
        TokenSpec spec = TokenSpec.devDefaults().withTenant(null).withScopes(List.of()).withAudience(null);

        JWTClaimsSet claims = SignedJWT.parse(DevTokens.mint(dir, spec)).getJWTClaimsSet();

        assertThat(claims.getClaims()).doesNotContainKeys("tenant", "scope", "aud").containsKeys("iss", "sub", "exp");
    }

    @Test
    void issuerAndExtraClaimsCanBeOverriddenForNegativeTests() throws Exception {
        Instant issuedAt = Instant.parse("2024-01-01T00:00:00Z");
        TokenSpec spec = TokenSpec.devDefaults().withIssuer("someone-else").withIssuedAt(issuedAt)
                .withClaim("tenant", 42);

        JWTClaimsSet claims = SignedJWT.parse(DevTokens.mint(dir, spec)).getJWTClaimsSet();

        assertThat(claims.getIssuer()).isEqualTo("someone-else");
        assertThat(claims.getIssueTime()).isEqualTo(Date.from(issuedAt));
        assertThat(claims.getClaim("tenant")).isEqualTo(42L);
    }

    @Test
    void tokenFromAnotherKeyDoesNotVerifyWithThisPublicKey(@TempDir Path otherDir) throws Exception {
        DevKeys.ensure(otherDir);

        SignedJWT foreign = SignedJWT.parse(DevTokens.mint(otherDir));

        assertThat(foreign.verify(new RSASSAVerifier(DevKeysTest.readPublicKeyFile(dir)))).isFalse();
    }

    @Test
    void mintingWithoutAKeyFailsWithAHint(@TempDir Path emptyDir) {
        assertThatThrownBy(() -> DevTokens.mint(emptyDir)).isInstanceOf(MissingDevKeyException.class);
    }
}
