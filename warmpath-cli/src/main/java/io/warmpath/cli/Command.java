package io.warmpath.cli;

import java.io.PrintStream;
import java.util.Set;

/** One sub-command of the CLI. */
interface Command {

    String name();

    /** Usage text, printed for {@code --help} and after a usage error. */
    String usage();

    /** Option names this command accepts, with their leading dashes. */
    Set<String> options();

    /** Runs the command; returns the process exit code (0 success, 1 failure). */
    int run(CommandLine commandLine, PrintStream out, PrintStream err) throws Exception;
}
