package io.warmpath.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import io.warmpath.cli.token.DevAssertionKeys;
import io.warmpath.contracts.DataClass;
import io.warmpath.contracts.assertion.Assertion;
import io.warmpath.contracts.assertion.Audiences;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code assertion}: prints an internal assertion signed with the development assertion key, as the gateway would
 * mint it, for calling a service directly (the benchmarks compare a cell against the gateway in front of it).
 */
@Command(name = "assertion", mixinStandardHelpOptions = true, versionProvider = ManifestVersion.class,
        header = "Prints an internal assertion, for calling a service directly.",
        description = "Prints an internal assertion (ES256, iss " + Audiences.GATEWAY_ISSUER + ") signed with DIR/"
                + DevAssertionKeys.SIGNING_KEY_FILE + ", for calling a service directly.")
final class AssertionCommand implements Callable<Integer> {

    private static final long MAX_TTL_SECONDS = Duration.ofDays(1).toSeconds();
    private static final List<String> AUDIENCES = List.of(Audiences.INFERENCE, Audiences.SESSIONS, Audiences.POLICY,
            Audiences.ARTIFACTS);

    @Spec
    private CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = KeysCommand.DEFAULT_DIR,
            description = "Key directory (default: ${DEFAULT-VALUE}).")
    private Path dir;

    @Option(names = "--audience", paramLabel = "A", defaultValue = Audiences.INFERENCE,
            description = "The service it is for: " + Audiences.INFERENCE + " (default), " + Audiences.SESSIONS + ", "
                    + Audiences.POLICY + " or " + Audiences.ARTIFACTS + ".")
    private String audience;

    @Option(names = "--tenant", paramLabel = "T", defaultValue = "dev",
            description = "Claim tenant (default: ${DEFAULT-VALUE}).")
    private String tenant;

    @Option(names = "--subject", paramLabel = "S", defaultValue = "dev-user",
            description = "Claim sub (default: ${DEFAULT-VALUE}).")
    private String subject;

    @Option(names = "--ttl", paramLabel = "SECONDS", defaultValue = "3600",
            description = "Lifetime (default: ${DEFAULT-VALUE}, at most a day).")
    private long ttlSeconds;

    @Override
    public Integer call() throws IOException {
        if (!AUDIENCES.contains(audience)) {
            throw new ParameterException(spec.commandLine(), "--audience must be one of " + String.join(", ", AUDIENCES));
        }
        Assertion assertion = new Assertion(OptionChecks.nonBlank(spec, "--tenant", tenant),
                OptionChecks.nonBlank(spec, "--subject", subject), List.of("inference:invoke"), List.of(), null, null,
                null, DataClass.INTERNAL, null, null, false);
        Duration ttl = Duration.ofSeconds(OptionChecks.within(spec, "--ttl", ttlSeconds, 1, MAX_TTL_SECONDS));
        spec.commandLine().getOut().println(DevAssertionKeys.mint(dir, assertion, audience, ttl));
        return WarmpathCli.OK;
    }
}
