package io.warmpath.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;

import io.warmpath.cli.token.DevAssertionKeys;
import io.warmpath.cli.token.DevKeys;

/** {@code keys}: creates the development keys (user tokens, internal assertions) if they are missing. */
final class KeysCommand implements Command {

    static final String DEFAULT_DIR = ".warmpath";

    @Override
    public String name() {
        return "keys";
    }

    @Override
    public String usage() {
        return """
                usage: warmpath-cli keys [--dir DIR]
                  Creates the development keys in DIR unless they exist:
                  the RSA key pair (2048 bit) of user tokens, DIR/%s (PKCS#8, mode 600) and DIR/%s (X.509 SPKI);
                  the EC P-256 key of internal assertions, DIR/%s (JWK, mode 600) and DIR/%s (public JWK set).
                  --dir DIR   key directory (default %s)
                """.formatted(DevKeys.SIGNING_KEY_FILE, DevKeys.PUBLIC_KEY_FILE, DevAssertionKeys.SIGNING_KEY_FILE,
                DevAssertionKeys.KEY_SET_FILE, DEFAULT_DIR);
    }

    @Override
    public Set<String> options() {
        return Set.of("--dir");
    }

    @Override
    public int run(CommandLine commandLine, PrintStream out, PrintStream err) throws Exception {
        Path dir = Path.of(commandLine.text("--dir", DEFAULT_DIR));
        if (DevKeys.ensure(dir)) {
            out.println("created development key pair in " + dir + " (kid " + DevKeys.load(dir).getKeyID() + ")");
        }
        if (DevAssertionKeys.ensure(dir)) {
            out.println("created development assertion key in " + dir + " (kid "
                    + DevAssertionKeys.load(dir).getKeyID() + ")");
        }
        return 0;
    }
}
