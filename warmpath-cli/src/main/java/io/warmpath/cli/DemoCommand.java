package io.warmpath.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.warmpath.cli.demo.AgentDemo;
import io.warmpath.cli.demo.DemoReport;
import io.warmpath.cli.demo.DemoSettings;
import io.warmpath.cli.token.DevTokens;
import io.warmpath.cli.token.TokenSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code demo}: runs the scripted multi-turn agent sessions through the gateway and judges the cache hits. */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = ManifestVersion.class,
        header = "Runs the scripted multi-turn agent demo through the gateway.",
        description = {"Drives scripted agent sessions through the gateway with the OpenAI Java SDK (streaming) and "
                + "prints one row per turn: session, turn, cell, prompt and cached tokens, time to first token.",
                "Exits 0 only when every turn succeeded and every turn from the second on hit the prefix cache."})
final class DemoCommand implements Callable<Integer> {

    private static final int MAX_SESSIONS = 50;
    private static final int MAX_TURNS = 50;

    @Spec
    private CommandSpec spec;

    @Option(names = "--gateway", paramLabel = "URL", required = true,
            description = "Gateway base URL, e.g. http://localhost:8080.")
    private String gateway;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = KeysCommand.DEFAULT_DIR,
            description = "Key directory for the development token (default: ${DEFAULT-VALUE}).")
    private Path dir;

    @Option(names = "--sessions", paramLabel = "N", defaultValue = "" + DemoSettings.DEFAULT_SESSIONS,
            description = "Sessions, interleaved turn by turn (default: ${DEFAULT-VALUE}).")
    private int sessions;

    @Option(names = "--turns", paramLabel = "N", defaultValue = "" + DemoSettings.DEFAULT_TURNS,
            description = "Turns per session (default: ${DEFAULT-VALUE}).")
    private int turns;

    @Option(names = "--model", paramLabel = "M", defaultValue = DemoSettings.DEFAULT_MODEL,
            description = "Model to request (default: ${DEFAULT-VALUE}).")
    private String model;

    @Option(names = "--max-tokens", paramLabel = "N", defaultValue = "" + DemoSettings.DEFAULT_MAX_TOKENS,
            description = "max_tokens per reply (default: ${DEFAULT-VALUE}).")
    private int maxTokens;

    @Override
    public Integer call() throws Exception {
        DemoSettings settings = settings();
        String token = DevTokens.mint(dir, TokenSpec.devDefaults().withScopes(AgentDemo.requiredScopes()));
        PrintWriter out = spec.commandLine().getOut();
        out.printf("agent demo: %d sessions x %d turns via %s, model %s%n", settings.sessions(), settings.turns(),
                settings.gateway(), settings.model());
        out.println(DemoReport.header());
        DemoReport report = new AgentDemo(settings, token).run(turn -> out.println(DemoReport.row(turn)));
        report.summary().forEach(out::println);
        report.problems().forEach(problem -> spec.commandLine().getErr().println("FAIL: " + problem));
        return report.passed() ? WarmpathCli.OK : WarmpathCli.FAILED;
    }

    DemoSettings settings() {
        return new DemoSettings(gatewayUri(),
                OptionChecks.nonBlank(spec, "--model", model),
                (int) OptionChecks.within(spec, "--sessions", sessions, 1, MAX_SESSIONS),
                (int) OptionChecks.within(spec, "--turns", turns, 1, MAX_TURNS),
                (int) OptionChecks.within(spec, "--max-tokens", maxTokens, 1, 4096),
                DemoSettings.DEFAULT_REQUEST_TIMEOUT);
    }

    private URI gatewayUri() {
        try {
            URI uri = new URI(gateway);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below, as any other URL that is not an http(s) one
        }
        throw new ParameterException(spec.commandLine(),
                "--gateway needs an http(s) URL such as http://localhost:8080, not '" + gateway + "'");
    }
}
