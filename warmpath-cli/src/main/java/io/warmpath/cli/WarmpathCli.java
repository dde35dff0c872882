package io.warmpath.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Entry point of {@code warmpath-cli}: development keys and tokens, API keys of a running gateway, internal
 * assertions, and the scripted agent demo. Exit codes: 0 success, 1 the command failed, 2 bad command line.
 */
@Command(name = "warmpath-cli", mixinStandardHelpOptions = true, versionProvider = ManifestVersion.class,
        description = "Development keys and tokens, internal assertions, and the scripted agent demo.",
        subcommands = {KeysCommand.class, TokenCommand.class, ApiKeyCommand.class, AssertionCommand.class, DemoCommand.class,
                HelpCommand.class},
        footer = "Run 'warmpath-cli <command> --help' for a command's options.")
public final class WarmpathCli implements Callable<Integer> {

    static final int OK = ExitCode.OK;
    static final int FAILED = ExitCode.SOFTWARE;
    static final int USAGE = ExitCode.USAGE;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "name a command");
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command line; returns the exit code instead of exiting, so tests can call it. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        PrintWriter outWriter = new PrintWriter(out, true, StandardCharsets.UTF_8);
        PrintWriter errWriter = new PrintWriter(err, true, StandardCharsets.UTF_8);
        try {
            return new CommandLine(new WarmpathCli())
                    .setOut(outWriter)
                    .setErr(errWriter)
                    // A failure the user can act on is one line, not a stack trace.
                    .setExecutionExceptionHandler((failure, commandLine, parseResult) -> {
                        commandLine.getErr().println(commandLine.getCommandSpec().qualifiedName() + ": "
                                + failure.getMessage());
                        return FAILED;
                    })
                    .execute(args);
        } finally {
            outWriter.flush();
            errWriter.flush();
        }
    }
}
