package io.warmpath.cli;

import io.warmpath.cli.token.DevKeys;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;

/** {@code keys}: creates the development key pair if it is missing. */
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
                  Creates the development RSA key pair (2048 bit) in DIR unless it exists:
                  DIR/%s (PKCS#8, mode 600) and DIR/%s (X.509 SPKI).
                  --dir DIR   key directory (default %s)
                """.formatted(DevKeys.SIGNING_KEY_FILE, DevKeys.PUBLIC_KEY_FILE, DEFAULT_DIR);
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
        return 0;
    }
}
