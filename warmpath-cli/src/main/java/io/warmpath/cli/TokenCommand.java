package io.warmpath.cli;

import io.warmpath.cli.token.DevKeys;
import io.warmpath.cli.token.DevTokens;
import io.warmpath.cli.token.MissingDevKeyException;
import io.warmpath.cli.token.TokenSpec;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** {@code token}: prints a signed development JWT. */
final class TokenCommand implements Command {

    // A year either way is plenty for dev tokens; negative values make expired tokens for tests.
    private static final long MAX_TTL_SECONDS = Duration.ofDays(365).toSeconds();

    @Override
    public String name() {
        return "token";
    }

    @Override
    public String usage() {
        return """
                usage: warmpath-cli token [--dir DIR] [--tenant T] [--scopes "a b"] [--subject S] [--ttl SECONDS]
                                          [--roles "r1 r2"] [--region R] [--clearance C]
                  Prints an RS256 dev token (iss %s, aud %s) signed with DIR/%s.
                  --dir DIR          key directory (default %s)
                  --tenant T         claim tenant (default %s)
                  --scopes "a b"     claim scope, space separated (default %s; "" for none)
                  --subject S        claim sub (default %s)
                  --ttl SECONDS      lifetime (default %d; negative gives an expired token)
                  --roles "r1 r2"    claim roles (optional)
                  --region R         claim region (optional)
                  --clearance C      claim clearance (optional)
                """.formatted(TokenSpec.DEV_ISSUER, TokenSpec.DEV_AUDIENCE, DevKeys.SIGNING_KEY_FILE,
                KeysCommand.DEFAULT_DIR, TokenSpec.DEFAULT_TENANT, TokenSpec.DEFAULT_SCOPE,
                TokenSpec.DEFAULT_SUBJECT, TokenSpec.DEFAULT_TTL.toSeconds());
    }

    @Override
    public Set<String> options() {
        return Set.of("--dir", "--tenant", "--scopes", "--subject", "--ttl", "--roles", "--region", "--clearance");
    }

    @Override
    public int run(CommandLine commandLine, PrintStream out, PrintStream err) throws Exception {
        Path dir = Path.of(commandLine.text("--dir", KeysCommand.DEFAULT_DIR));
        TokenSpec spec = spec(commandLine);
        try {
            out.println(DevTokens.mint(dir, spec));
            return 0;
        } catch (MissingDevKeyException e) {
            err.println("warmpath-cli token: " + e.getMessage());
            return 1;
        }
    }

    static TokenSpec spec(CommandLine commandLine) throws UsageException {
        TokenSpec defaults = TokenSpec.devDefaults();
        return defaults
                .withTenant(commandLine.text("--tenant", defaults.tenant()))
                .withScopes(commandLine.words("--scopes", defaults.scopes()))
                .withSubject(commandLine.text("--subject", defaults.subject()))
                .withTtl(Duration.ofSeconds(commandLine.integer("--ttl", defaults.ttl().toSeconds(),
                        -MAX_TTL_SECONDS, MAX_TTL_SECONDS)))
                .withRoles(commandLine.words("--roles", List.of()))
                .withRegion(commandLine.text("--region", null))
                .withClearance(commandLine.text("--clearance", null));
    }
}
