package io.warmpath.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

import io.warmpath.cli.token.DevKeys;
import io.warmpath.cli.token.DevTokens;
import io.warmpath.cli.token.TokenSpec;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code token}: prints a signed development JWT. */
@Command(name = "token", mixinStandardHelpOptions = true, versionProvider = ManifestVersion.class,
        header = "Prints a signed development JWT the gateway accepts.",
        description = "Prints an RS256 development token (iss " + TokenSpec.DEV_ISSUER + ", aud "
                + TokenSpec.DEV_AUDIENCE + ") signed with DIR/" + DevKeys.SIGNING_KEY_FILE + ".")
final class TokenCommand implements Callable<Integer> {

    // A year either way is plenty for dev tokens; negative values make expired tokens for tests.
    private static final long MAX_TTL_SECONDS = Duration.ofDays(365).toSeconds();

    @Spec
    private CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = KeysCommand.DEFAULT_DIR,
            description = "Key directory (default: ${DEFAULT-VALUE}).")
    private Path dir;

    @Option(names = "--tenant", paramLabel = "T", defaultValue = TokenSpec.DEFAULT_TENANT,
            description = "Claim tenant (default: ${DEFAULT-VALUE}).")
    private String tenant;

    @Option(names = "--scopes", paramLabel = "\"a b\"", defaultValue = TokenSpec.DEFAULT_SCOPE,
            description = "Claim scope, space separated (default: ${DEFAULT-VALUE}; \"\" for none).")
    private String scopes;

    @Option(names = "--subject", paramLabel = "S", defaultValue = TokenSpec.DEFAULT_SUBJECT,
            description = "Claim sub (default: ${DEFAULT-VALUE}).")
    private String subject;

    @Option(names = "--ttl", paramLabel = "SECONDS", defaultValue = "" + TokenSpec.DEFAULT_TTL_SECONDS,
            description = "Lifetime (default: ${DEFAULT-VALUE}; negative gives an expired token).")
    private long ttlSeconds;

    @Option(names = "--roles", paramLabel = "\"r1 r2\"", description = "Claim roles, space separated.")
    private @Nullable String roles;

    @Option(names = "--region", paramLabel = "R", description = "Claim region.")
    private @Nullable String region;

    @Option(names = "--clearance", paramLabel = "C", description = "Claim clearance.")
    private @Nullable String clearance;

    @Override
    public Integer call() throws IOException {
        spec.commandLine().getOut().println(DevTokens.mint(dir, spec()));
        return WarmpathCli.OK;
    }

    private TokenSpec spec() {
        return TokenSpec.devDefaults()
                .withTenant(OptionChecks.nonBlank(spec, "--tenant", tenant))
                .withScopes(words(scopes))
                .withSubject(OptionChecks.nonBlank(spec, "--subject", subject))
                .withTtl(Duration.ofSeconds(OptionChecks.within(spec, "--ttl", ttlSeconds, -MAX_TTL_SECONDS,
                        MAX_TTL_SECONDS)))
                .withRoles(words(roles))
                .withRegion(region == null ? null : OptionChecks.nonBlank(spec, "--region", region))
                .withClearance(clearance == null ? null : OptionChecks.nonBlank(spec, "--clearance", clearance));
    }

    /** A space-separated list; absent or empty gives an empty list. */
    private static List<String> words(@Nullable String value) {
        return value == null ? List.of()
                : Arrays.stream(value.trim().split("\\s+")).filter(word -> !word.isEmpty()).toList();
    }
}
