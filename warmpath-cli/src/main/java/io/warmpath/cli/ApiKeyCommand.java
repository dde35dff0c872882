package io.warmpath.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.warmpath.cli.token.DevTokens;
import io.warmpath.cli.token.TokenSpec;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code key}: API keys of a running gateway, through its {@code /v1/keys}, as a tenant's key administrator (a
 * development token with {@code keys:admin} and the key's scopes, signed with the development key).
 */
@Command(name = "key", mixinStandardHelpOptions = true, versionProvider = ManifestVersion.class,
        header = "Creates, lists and revokes API keys of a running gateway.",
        description = "Calls the gateway's /v1/keys as a key administrator of the tenant, with a development token.",
        subcommands = {ApiKeyCommand.Create.class, ApiKeyCommand.ListKeys.class, ApiKeyCommand.Revoke.class})
final class ApiKeyCommand implements Callable<Integer> {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String ADMIN_SCOPE = "keys:admin";

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "name a subcommand: create, list, revoke");
    }

    /** The options every subcommand has. */
    static class Target {

        @Option(names = "--dir", paramLabel = "DIR", defaultValue = KeysCommand.DEFAULT_DIR,
                description = "Key directory (default: ${DEFAULT-VALUE}).")
        Path dir;

        @Option(names = "--gateway", paramLabel = "URL", defaultValue = "http://127.0.0.1:8080",
                description = "The gateway (default: ${DEFAULT-VALUE}).")
        URI gateway;

        @Option(names = "--tenant", paramLabel = "T", defaultValue = TokenSpec.DEFAULT_TENANT,
                description = "The tenant (default: ${DEFAULT-VALUE}).")
        String tenant;

        JsonNode call(CommandSpec spec, String method, String path, List<String> scopes, @Nullable Object body)
                throws IOException, InterruptedException {
            List<String> adminScopes = new ArrayList<>(scopes);
            adminScopes.add(ADMIN_SCOPE);
            String token = DevTokens.mint(dir, TokenSpec.devDefaults()
                    .withTenant(OptionChecks.nonBlank(spec, "--tenant", tenant)).withScopes(adminScopes)
                    .withSubject("warmpath-cli"));
            HttpRequest.Builder request = HttpRequest.newBuilder(gateway.resolve(path))
                    .timeout(Duration.ofSeconds(30))
                    .header("authorization", "Bearer " + token)
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            if (body != null) {
                request.header("content-type", "application/json");
            }
            HttpResponse<String> response;
            try {
                response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            }
            catch (IOException unreachable) {
                throw new IllegalStateException("the gateway at " + gateway + " cannot be reached ("
                        + unreachable.getClass().getSimpleName() + "); is Warmpath up?", unreachable);
            }
            if (response.statusCode() >= 300) {
                String message = response.body().isBlank() ? "" : JSON.readTree(response.body()).path("error")
                        .path("message").asString(response.body());
                throw new IllegalStateException("the gateway answered " + response.statusCode() + ": " + message);
            }
            return response.body().isBlank() ? JSON.nullNode() : JSON.readTree(response.body());
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, header = "Creates a key; prints it, once.")
    static final class Create implements Callable<Integer> {

        @Spec
        private CommandSpec spec;

        @picocli.CommandLine.Mixin
        private Target target;

        @Option(names = "--scopes", paramLabel = "\"a b\"", required = true,
                description = "The key's scopes, space separated (such as \"inference:invoke sessions:write\").")
        private String scopes;

        @Option(names = "--name", paramLabel = "N", defaultValue = "cli",
                description = "What the key is for (default: ${DEFAULT-VALUE}).")
        private String name;

        @Option(names = "--expires-in-days", paramLabel = "D", description = "Days until the key stops working.")
        private @Nullable Integer expiresInDays;

        @Option(names = "--requests-per-minute", paramLabel = "N",
                description = "The key's own request rate limit, on top of its tenant's.")
        private @Nullable Long requestsPerMinute;

        @Option(names = "--tokens-per-minute", paramLabel = "N",
                description = "The key's own token rate limit (prompt and completion), on top of its tenant's.")
        private @Nullable Long tokensPerMinute;

        @Option(names = "--concurrent-requests", paramLabel = "N",
                description = "How many requests the key may have in flight at once.")
        private @Nullable Long concurrentRequests;

        @Override
        public Integer call() throws IOException, InterruptedException {
            List<String> keyScopes = Arrays.stream(scopes.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("scopes", keyScopes);
            if (expiresInDays != null) {
                body.put("expires_in_days", expiresInDays);
            }
            Map<String, Object> limits = new LinkedHashMap<>();
            putIfSet(limits, "requests_per_minute", requestsPerMinute);
            putIfSet(limits, "tokens_per_minute", tokensPerMinute);
            putIfSet(limits, "concurrent_requests", concurrentRequests);
            if (!limits.isEmpty()) {
                body.put("limits", limits);
            }
            JsonNode created = target.call(spec, "POST", "/v1/keys", keyScopes, body);
            // The key alone on standard output, for $(...); what it is on standard error.
            spec.commandLine().getOut().println(created.path("key").asString());
            spec.commandLine().getErr().println("Created " + created.path("id").asString() + " ("
                    + created.path("prefix").asString() + "...) for tenant " + target.tenant + " with scopes "
                    + String.join(" ", keyScopes) + ". The key is shown only this once.");
            return WarmpathCli.OK;
        }

        private static void putIfSet(Map<String, Object> body, String field, @Nullable Long value) {
            if (value != null) {
                body.put(field, value);
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, header = "Lists the tenant's keys (never the keys).")
    static final class ListKeys implements Callable<Integer> {

        @Spec
        private CommandSpec spec;

        @picocli.CommandLine.Mixin
        private Target target;

        @Override
        public Integer call() throws IOException, InterruptedException {
            for (JsonNode key : target.call(spec, "GET", "/v1/keys", List.of(), null).path("data")) {
                spec.commandLine().getOut().printf("%s  %s...  %-20s  %s  expires %s%n", key.path("id").asString(),
                        key.path("prefix").asString(), key.path("name").asString(),
                        String.join(" ", key.path("scopes").valueStream().map(JsonNode::asString).toList()),
                        key.path("expires_at").isNull() || key.path("expires_at").isMissingNode() ? "never"
                                : key.path("expires_at").asString());
            }
            return WarmpathCli.OK;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, header = "Revokes a key by its id.")
    static final class Revoke implements Callable<Integer> {

        @Spec
        private CommandSpec spec;

        @picocli.CommandLine.Mixin
        private Target target;

        @Parameters(paramLabel = "ID", description = "The key's id (key_...), as create and list print it.")
        private String id;

        @Override
        public Integer call() throws IOException, InterruptedException {
            target.call(spec, "DELETE", "/v1/keys/" + id, List.of(), null);
            spec.commandLine().getErr().println("Revoked " + id + ".");
            return WarmpathCli.OK;
        }
    }
}
