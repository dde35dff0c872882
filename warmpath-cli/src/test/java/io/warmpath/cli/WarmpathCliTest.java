package io.warmpath.cli;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.warmpath.cli.token.DevKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Date;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WarmpathCliTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final WarmpathCli cli =
            new WarmpathCli(List.of(new KeysCommand(), new TokenCommand(), new DemoCommand()));

    private int run(String... args) {
        return cli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void keysSaysSoOnlyWhenItCreatedThem() {
        assertThat(run("keys", "--dir", dir.toString())).isZero();
        assertThat(out()).startsWith("created development key pair in").hasLineCount(1);

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
        assertThat(err()).contains("unknown command 'mint'").contains("usage: warmpath-cli <command>");
    }

    @Test
    void noCommandIsAUsageError() {
        assertThat(run()).isEqualTo(WarmpathCli.USAGE);
        assertThat(err()).contains("usage:");
    }

    @Test
    void badOptionPrintsTheCommandUsageOnStderr() {
        assertThat(run("token", "--tenat", "acme")).isEqualTo(WarmpathCli.USAGE);

        assertThat(out()).isEmpty();
        assertThat(err()).contains("unknown option --tenat").contains("usage: warmpath-cli token");
    }

    @Test
    void badValuesAreUsageErrors() {
        assertThat(run("token", "--ttl", "an hour")).isEqualTo(WarmpathCli.USAGE);
        assertThat(run("demo")).isEqualTo(WarmpathCli.USAGE);
        assertThat(run("demo", "--gateway", "localhost:8080")).isEqualTo(WarmpathCli.USAGE);
        assertThat(run("demo", "--gateway", "http://localhost:8080", "--turns", "0")).isEqualTo(WarmpathCli.USAGE);
        assertThat(err()).contains("--gateway is required").contains("http(s) URL").contains("between 1 and");
    }

    @Test
    void helpGoesToStdoutWithExitZero() {
        assertThat(run("demo", "--help")).isZero();
        assertThat(out()).contains("usage: warmpath-cli demo").contains("--gateway URL");
        assertThat(run("--help")).isZero();
        assertThat(err()).isEmpty();
    }
}
