package io.warmpath.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Entry point of {@code warmpath-cli}: development keys and tokens, and the scripted agent demo.
 * Exit codes: 0 success, 1 the command failed, 2 bad command line.
 */
public final class WarmpathCli {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private static final String USAGE_TEXT = """
            usage: warmpath-cli <command> [options]
              keys       create the development keys (user tokens, internal assertions) if missing
              token      print a signed development JWT
              assertion  print an internal assertion, for calling a service directly
              demo       run the scripted multi-turn agent demo through the gateway
            Run 'warmpath-cli <command> --help' for a command's options.
            """;

    private final Map<String, Command> commands;

    WarmpathCli(List<Command> commands) {
        this.commands = commands.stream().collect(Collectors.toMap(Command::name, Function.identity()));
    }

    /** The command line with every command. */
    static WarmpathCli standard() {
        return new WarmpathCli(List.of(new KeysCommand(), new TokenCommand(), new AssertionCommand(),
                new DemoCommand()));
    }

    public static void main(String[] args) {
        System.exit(standard().run(args, System.out, System.err));
    }

    /** Runs one command line; returns the exit code instead of exiting, so tests can call it. */
    int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.print(USAGE_TEXT);
            return USAGE;
        }
        if (args[0].equals(CommandLine.HELP) || args[0].equals("-h") || args[0].equals("help")) {
            out.print(USAGE_TEXT);
            return OK;
        }
        Command command = commands.get(args[0]);
        if (command == null) {
            err.println("warmpath-cli: unknown command '" + args[0] + "'");
            err.print(USAGE_TEXT);
            return USAGE;
        }
        return run(command, Arrays.asList(args).subList(1, args.length), out, err);
    }

    private static int run(Command command, List<String> args, PrintStream out, PrintStream err) {
        try {
            CommandLine commandLine = CommandLine.parse(args, command.options());
            if (commandLine.helpRequested()) {
                out.print(command.usage());
                return OK;
            }
            return command.run(commandLine, out, err);
        } catch (UsageException e) {
            err.println("warmpath-cli " + command.name() + ": " + e.getMessage());
            err.print(command.usage());
            return USAGE;
        } catch (Exception e) {
            err.println("warmpath-cli " + command.name() + ": " + e.getMessage());
            return FAILED;
        }
    }
}
