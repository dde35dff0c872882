package io.warmpath.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.warmpath.cli.token.DevAssertionKeys;
import io.warmpath.cli.token.DevKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code keys}: creates the development keys (user tokens, internal assertions) if they are missing. */
@Command(name = "keys", mixinStandardHelpOptions = true, versionProvider = ManifestVersion.class,
        header = "Creates the development keys (user tokens, internal assertions) if missing.",
        description = {"Creates the development keys in DIR unless they exist:",
                "the RSA key pair (2048 bit) of user tokens, DIR/" + DevKeys.SIGNING_KEY_FILE
                        + " (PKCS#8, mode 600) and DIR/" + DevKeys.PUBLIC_KEY_FILE + " (X.509 SPKI);",
                "the EC P-256 key of internal assertions, DIR/" + DevAssertionKeys.SIGNING_KEY_FILE
                        + " (JWK, mode 600) and DIR/" + DevAssertionKeys.KEY_SET_FILE + " (public JWK set)."})
final class KeysCommand implements Callable<Integer> {

    static final String DEFAULT_DIR = ".warmpath";

    @Spec
    private CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = DEFAULT_DIR,
            description = "Key directory (default: ${DEFAULT-VALUE}).")
    private Path dir;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (DevKeys.ensure(dir)) {
            out.println("created development key pair in " + dir + " (kid " + DevKeys.load(dir).getKeyID() + ")");
        }
        if (DevAssertionKeys.ensure(dir)) {
            out.println("created development assertion key in " + dir + " (kid "
                    + DevAssertionKeys.load(dir).getKeyID() + ")");
        }
        return WarmpathCli.OK;
    }
}
