package io.warmpath.cli;

import io.warmpath.cli.demo.AgentDemo;
import io.warmpath.cli.demo.DemoReport;
import io.warmpath.cli.demo.DemoSettings;
import io.warmpath.cli.token.DevTokens;
import io.warmpath.cli.token.MissingDevKeyException;
import io.warmpath.cli.token.TokenSpec;

import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Set;

/** {@code demo}: runs the scripted multi-turn agent sessions through the gateway and judges the cache hits. */
final class DemoCommand implements Command {

    private static final int MAX_SESSIONS = 50;
    private static final int MAX_TURNS = 50;

    @Override
    public String name() {
        return "demo";
    }

    @Override
    public String usage() {
        return """
                usage: warmpath-cli demo --gateway URL [--dir DIR] [--sessions N] [--turns N] [--model M]
                                         [--max-tokens N]
                  Drives scripted agent sessions through the gateway with the OpenAI Java SDK (streaming) and
                  prints one row per turn: session, turn, cell, prompt and cached tokens, time to first token.
                  Exits 0 only when every turn succeeded and every turn from the second on hit the prefix cache.
                  --gateway URL     gateway base URL, e.g. http://localhost:8080 (required)
                  --dir DIR         key directory for the dev token (default %s)
                  --sessions N      sessions, interleaved turn by turn (default %d)
                  --turns N         turns per session (default %d)
                  --model M         model to request (default %s)
                  --max-tokens N    max_tokens per reply (default %d)
                """.formatted(KeysCommand.DEFAULT_DIR, DemoSettings.DEFAULT_SESSIONS, DemoSettings.DEFAULT_TURNS,
                DemoSettings.DEFAULT_MODEL, DemoSettings.DEFAULT_MAX_TOKENS);
    }

    @Override
    public Set<String> options() {
        return Set.of("--gateway", "--dir", "--sessions", "--turns", "--model", "--max-tokens");
    }

    @Override
    public int run(CommandLine commandLine, PrintStream out, PrintStream err) throws Exception {
        DemoSettings settings = settings(commandLine);
        String token;
        try {
            token = DevTokens.mint(Path.of(commandLine.text("--dir", KeysCommand.DEFAULT_DIR)),
                    TokenSpec.devDefaults().withScopes(AgentDemo.requiredScopes()));
        } catch (MissingDevKeyException e) {
            err.println("warmpath-cli demo: " + e.getMessage());
            return 1;
        }
        out.printf("agent demo: %d sessions x %d turns via %s, model %s%n", settings.sessions(), settings.turns(),
                settings.gateway(), settings.model());
        out.println(DemoReport.header());
        DemoReport report = new AgentDemo(settings, token).run(turn -> out.println(DemoReport.row(turn)));
        report.summary().forEach(out::println);
        report.problems().forEach(problem -> err.println("FAIL: " + problem));
        return report.passed() ? 0 : 1;
    }

    static DemoSettings settings(CommandLine commandLine) throws UsageException {
        return new DemoSettings(
                gateway(commandLine.required("--gateway")),
                commandLine.text("--model", DemoSettings.DEFAULT_MODEL),
                (int) commandLine.integer("--sessions", DemoSettings.DEFAULT_SESSIONS, 1, MAX_SESSIONS),
                (int) commandLine.integer("--turns", DemoSettings.DEFAULT_TURNS, 1, MAX_TURNS),
                (int) commandLine.integer("--max-tokens", DemoSettings.DEFAULT_MAX_TOKENS, 1, 4096),
                DemoSettings.DEFAULT_REQUEST_TIMEOUT);
    }

    private static URI gateway(String url) throws UsageException {
        try {
            URI uri = new URI(url);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new UsageException("--gateway needs an http(s) URL such as http://localhost:8080, not '" + url + "'");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new UsageException("--gateway is not a valid URL: " + e.getMessage());
        }
    }
}
