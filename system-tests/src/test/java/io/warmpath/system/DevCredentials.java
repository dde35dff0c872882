package io.warmpath.system;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import io.warmpath.cli.demo.AgentDemo;
import io.warmpath.cli.demo.DemoReport;
import io.warmpath.cli.demo.DemoSettings;
import io.warmpath.cli.token.DevAssertionKeys;
import io.warmpath.cli.token.DevKeys;
import io.warmpath.cli.token.DevTokens;
import io.warmpath.cli.token.TokenSpec;

/** Development keys, tokens and the agent demo, through the same code {@code ./warmpath} runs. */
final class DevCredentials {

    private DevCredentials() {
    }

    static void createKeys(Path dir) throws IOException {
        DevKeys.ensure(dir);
        DevAssertionKeys.ensure(dir);
    }

    static String token(Path dir, String tenant, String... scopes) throws IOException {
        return DevTokens.mint(dir, TokenSpec.devDefaults().withTenant(tenant).withScopes(scopes));
    }

    static String token(Path dir, TokenSpec spec) throws IOException {
        return DevTokens.mint(dir, spec);
    }

    /** Runs the scripted agent demo in process; 0 when every turn after the first was served from cache. */
    static int runDemo(String gateway, Path dir, String model) throws IOException {
        DemoSettings settings = new DemoSettings(URI.create(gateway), model, 2, 5, 16, Duration.ofSeconds(60));
        String token = DevTokens.mint(dir, TokenSpec.devDefaults().withScopes(AgentDemo.requiredScopes()));
        DemoReport report = new AgentDemo(settings, token).run(turn -> { });
        System.out.println(report.render());
        return report.passed() ? 0 : 1;
    }
}
