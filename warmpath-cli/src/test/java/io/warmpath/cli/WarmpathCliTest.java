package io.warmpath.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Date;
import java.util.List;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.warmpath.cli.token.DevAssertionKeys;
import io.warmpath.cli.token.DevKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class WarmpathCliTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private int run(String... args) {
        return WarmpathCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void anAssertionIsSignedWithTheAssertionKeyForTheAudienceAsked() throws Exception {
        run("keys", "--dir", dir.toString());
        out.reset();

        assertThat(run("assertion", "--dir", dir.toString(), "--audience", "session-service", "--tenant", "acme"))
                .isZero();

        SignedJWT jwt = SignedJWT.parse(out().strip());
        ECKey key = DevAssertionKeys.load(dir);
        assertThat(jwt.verify(new ECDSAVerifier(key.toPublicJWK()))).isTrue();
        assertThat(jwt.getHeader().getType().getType()).isEqualTo("warmpath-assertion+jwt");
        assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly("session-service");
        assertThat(jwt.getJWTClaimsSet().getStringClaim("tenant")).isEqualTo("acme");
        assertThat(JWKSet.load(dir.resolve(DevAssertionKeys.KEY_SET_FILE).toFile()).getKeys())
                .singleElement().satisfies(published -> assertThat(published.isPrivate()).isFalse());
    }

    @Test
    void anAssertionForAnUnknownAudienceIsAUsageError() {
        run("keys", "--dir", dir.toString());

        assertThat(run("assertion", "--dir", dir.toString(), "--audience", "somewhere")).isNotZero();
        assertThat(err()).contains("--audience");
    }

    @Test
    void keysSaysSoOnlyWhenItCreatedThem() {
        assertThat(run("keys", "--dir", dir.toString())).isZero();
        assertThat(out()).startsWith("created development key pair in").contains("created development assertion key")
                .hasLineCount(2);

        out.reset();
        assertThat(run("keys", "--dir", dir.toString())).isZero();
        assertThat(out()).isEmpty();
    }

    @Test
    void tokenPrintsAJwtWithTheRequestedClaims() throws Exception {
        DevKeys.ensure(dir);

        int exit = run("token", "--dir", dir.toString(), "--tenant", "acme", "--scopes", "inference:invoke tools:search",
                "--roles", "analyst", "--region", "eu", "--clearance", "internal", "--ttl", "-30");

        assertThat(exit).isZero();
        JWTClaimsSet claims = SignedJWT.parse(out().strip()).getJWTClaimsSet();
        assertThat(claims.getStringClaim("tenant")).isEqualTo("acme");
        assertThat(claims.getStringClaim("scope")).isEqualTo("inference:invoke tools:search");
        assertThat(claims.getStringListClaim("roles")).containsExactly("analyst");
        assertThat(claims.getStringClaim("region")).isEqualTo("eu");
        assertThat(claims.getStringClaim("clearance")).isEqualTo("internal");
        assertThat(claims.getExpirationTime()).isBefore(new Date());
    }

    @Test
    void tokenWithoutAKeyFailsAndTellsHowToCreateOne() {
        assertThat(run("token", "--dir", dir.toString())).isEqualTo(WarmpathCli.FAILED);

        assertThat(out()).isEmpty();
        assertThat(err()).contains("./warmpath up").contains("keys --dir");
    }

    @Test
    void unknownCommandIsAUsageError() {
        assertThat(run("mint")).isEqualTo(WarmpathCli.USAGE);
        assertThat(err()).contains("'mint'").contains("Usage: warmpath-cli");
    }

    @Test
    void noCommandIsAUsageError() {
        assertThat(run()).isEqualTo(WarmpathCli.USAGE);
        assertThat(err()).contains("name a command").contains("Usage:");
    }

    @Test
    void misspeltOptionIsAUsageErrorThatSuggestsTheRightOne() {
        assertThat(run("token", "--tenat", "acme")).isEqualTo(WarmpathCli.USAGE);

        assertThat(out()).isEmpty();
        assertThat(err()).contains("'--tenat'").contains("Possible solutions: --tenant");
    }

    @Test
    void strayArgumentPrintsTheCommandUsageOnStderr() {
        assertThat(run("keys", "stray")).isEqualTo(WarmpathCli.USAGE);

        assertThat(out()).isEmpty();
        assertThat(err()).contains("'stray'").contains("Usage: warmpath-cli keys");
    }

    @Test
    void badValuesAreUsageErrors() {
        assertThat(run("token", "--ttl", "an hour")).isEqualTo(WarmpathCli.USAGE);
        assertThat(run("demo")).isEqualTo(WarmpathCli.USAGE);
        assertThat(run("demo", "--gateway", "localhost:8080")).isEqualTo(WarmpathCli.USAGE);
        assertThat(run("demo", "--gateway", "http://localhost:8080", "--turns", "0")).isEqualTo(WarmpathCli.USAGE);
        assertThat(run("token", "--tenant", " ")).isEqualTo(WarmpathCli.USAGE);
        assertThat(run("token", "--ttl", "60", "--ttl", "120")).isEqualTo(WarmpathCli.USAGE);
        assertThat(run("token", "--ttl", "" + 400 * 24 * 3600)).isEqualTo(WarmpathCli.USAGE);
        assertThat(err()).contains("Missing required option: '--gateway=URL'").contains("http(s) URL")
                .contains("--turns must be between 1 and").contains("--tenant needs a non-blank value")
                .contains("should be specified only once").contains("--ttl must be between");
        assertThat(out()).isEmpty();
    }

    @Test
    void everyCommandAnswersHelpOnStdout() {
        for (String command : List.of("keys", "token", "assertion", "demo")) {
            out.reset();
            assertThat(run(command, "--help")).as(command).isZero();
            assertThat(out()).as(command).contains("Usage: warmpath-cli " + command).contains("--help");
            out.reset();
            assertThat(run("help", command)).as("help " + command).isZero();
            assertThat(out()).as("help " + command).contains("Usage: warmpath-cli " + command);
        }
        assertThat(err()).isEmpty();
    }

    @Test
    void helpGoesToStdoutWithExitZero() {
        assertThat(run("demo", "--help")).isZero();
        assertThat(out()).contains("Usage: warmpath-cli demo").contains("--gateway=URL");
        assertThat(run("--help")).isZero();
        assertThat(err()).isEmpty();
    }
}
