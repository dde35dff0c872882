package io.warmpath.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import io.warmpath.cli.token.DevAssertionKeys;
import io.warmpath.cli.token.MissingDevKeyException;
import io.warmpath.contracts.DataClass;
import io.warmpath.contracts.assertion.Assertion;
import io.warmpath.contracts.assertion.Audiences;

/**
 * {@code assertion}: prints an internal assertion signed with the development assertion key, as the gateway would
 * mint it, for calling a service directly (the benchmarks compare a cell against the gateway in front of it).
 */
final class AssertionCommand implements Command {

    private static final long MAX_TTL_SECONDS = Duration.ofDays(1).toSeconds();

    @Override
    public String name() {
        return "assertion";
    }

    @Override
    public String usage() {
        return """
                usage: warmpath-cli assertion [--dir DIR] [--audience A] [--tenant T] [--subject S] [--ttl SECONDS]
                  Prints an internal assertion (ES256, iss %s) signed with DIR/%s.
                  --dir DIR        key directory (default %s)
                  --audience A     the service it is for (default %s; also %s, %s)
                  --tenant T       claim tenant (default dev)
                  --subject S      claim sub (default dev-user)
                  --ttl SECONDS    lifetime (default 3600, at most a day)
                """.formatted(Audiences.GATEWAY_ISSUER, DevAssertionKeys.SIGNING_KEY_FILE, KeysCommand.DEFAULT_DIR,
                Audiences.INFERENCE, Audiences.SESSIONS, Audiences.POLICY);
    }

    @Override
    public Set<String> options() {
        return Set.of("--dir", "--audience", "--tenant", "--subject", "--ttl");
    }

    @Override
    public int run(CommandLine commandLine, PrintStream out, PrintStream err) throws Exception {
        Path dir = Path.of(commandLine.text("--dir", KeysCommand.DEFAULT_DIR));
        String audience = commandLine.text("--audience", Audiences.INFERENCE);
        if (!List.of(Audiences.INFERENCE, Audiences.SESSIONS, Audiences.POLICY, Audiences.ARTIFACTS).contains(audience)) {
            throw new UsageException("--audience must be one of " + Audiences.INFERENCE + ", " + Audiences.SESSIONS
                    + ", " + Audiences.POLICY + ", " + Audiences.ARTIFACTS);
        }
        Assertion assertion = new Assertion(commandLine.text("--tenant", "dev"),
                commandLine.text("--subject", "dev-user"), List.of("inference:invoke"), List.of(), null, null, null,
                DataClass.INTERNAL, null, null, false);
        Duration ttl = Duration.ofSeconds(commandLine.integer("--ttl", 3600, 1, MAX_TTL_SECONDS));
        try {
            out.println(DevAssertionKeys.mint(dir, assertion, audience, ttl));
            return 0;
        }
        catch (MissingDevKeyException e) {
            err.println("warmpath-cli assertion: " + e.getMessage());
            return 1;
        }
    }
}
