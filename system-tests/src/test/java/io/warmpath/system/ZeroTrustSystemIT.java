package io.warmpath.system;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.warmpath.cli.token.DevAssertionKeys;
import io.warmpath.contracts.DataClass;
import io.warmpath.contracts.WarmpathHeaders;
import io.warmpath.contracts.assertion.Assertion;
import io.warmpath.contracts.assertion.Audiences;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Zero trust inside, on real ports with every service as deployed: nothing behind the gateway serves a request that
 * does not carry the gateway's assertion for it. Each endpoint of each service is called with no credentials, with
 * only the {@code x-warmpath-*} headers the gateway once set, and with assertions that are forged, expired or for
 * another service: every one is a 401 in OpenAI error JSON. The gateway path works, and its actuator is not on its
 * public port.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ZeroTrustSystemIT {

    private static final String MODEL = WarmpathStack.MODEL;
    private static final String CHAT = "{\"model\":\"" + MODEL + "\",\"max_tokens\":4,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private WarmpathStack stack;

    @BeforeAll
    void startStack() throws Exception {
        stack = WarmpathStack.start("zero-trust", 1, 0.05);
    }

    @AfterAll
    void stopStack() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void servicesBehindTheGatewayRefuseEverythingButTheGatewaysAssertion() throws Exception {
        ServiceProcess cell = stack.cell(stack.cellIds().getFirst());
        List<Endpoint> endpoints = List.of(
                new Endpoint(cell, Audiences.INFERENCE, "POST", "/v1/chat/completions", CHAT),
                new Endpoint(cell, Audiences.INFERENCE, "POST", "/v1/completions",
                        "{\"model\":\"" + MODEL + "\",\"prompt\":\"Hi\",\"max_tokens\":2}"),
                new Endpoint(cell, Audiences.INFERENCE, "GET", "/v1/models", null),
                new Endpoint(cell, Audiences.INFERENCE, "GET", "/cell/status", null),
                new Endpoint(stack.sessions(), Audiences.SESSIONS, "POST", "/internal/resolve",
                        "{\"affinity\":\"probe\"}"),
                new Endpoint(stack.sessions(), Audiences.SESSIONS, "POST", "/internal/turns",
                        "{\"turns\":[{\"session_id\":\"ses_x\",\"request_id\":\"r\",\"model\":\"m\"}]}"),
                new Endpoint(stack.sessions(), Audiences.SESSIONS, "POST", "/v1/sessions", "{\"workflow\":\"w\"}"),
                new Endpoint(stack.sessions(), Audiences.SESSIONS, "GET", "/internal/cells/cell-1/sessions", null),
                new Endpoint(stack.policy(), Audiences.POLICY, "POST", "/v1/decisions",
                        "{\"requests\":[{\"principal\":{\"id\":\"u\",\"tenant\":\"acme\"},\"action\":\"infer\","
                                + "\"resource\":{\"type\":\"Cell\",\"id\":\"c\",\"data_class\":\"public\"}}]}"));
        Path strangerKeys = Files.createTempDirectory("stranger-keys");
        DevAssertionKeys.ensure(strangerKeys);
        Assertion acme = new Assertion("acme", "mallory", List.of("inference:invoke", "sessions:write",
                "cells:status"), List.of(), "regulated", null, null, DataClass.PUBLIC, null, null, false);

        List<String> accepted = new ArrayList<>();
        for (Endpoint endpoint : endpoints) {
            Map<String, Map<String, String>> attempts = Map.of(
                    "no credentials", Map.of(),
                    "the old trusted headers", Map.of(WarmpathHeaders.TENANT, "acme",
                            WarmpathHeaders.SUBJECT, "mallory", WarmpathHeaders.DATA_CLASS, "public"),
                    "a bearer that is not an assertion", bearer("not-a-jwt"),
                    "an assertion signed by another key", bearer(DevAssertionKeys.mint(strangerKeys, acme,
                            endpoint.audience(), Duration.ofMinutes(5))),
                    "an assertion signed by another key with the gateway's kid", bearer(forgedWithTheGatewaysKid(acme,
                            endpoint.audience())),
                    "an expired assertion", bearer(DevAssertionKeys.mint(stack.keyDir(), acme, endpoint.audience(),
                            Duration.ofMinutes(-5))),
                    "an assertion for another service", bearer(DevAssertionKeys.mint(stack.keyDir(), acme,
                            otherThan(endpoint.audience()), Duration.ofMinutes(5))));
            for (Map.Entry<String, Map<String, String>> attempt : attempts.entrySet()) {
                HttpResponse<String> response = send(endpoint, attempt.getValue());
                if (response.statusCode() != 401) {
                    accepted.add(endpoint + " with " + attempt.getKey() + ": " + response.statusCode());
                    continue;
                }
                JsonNode error = GatewayClient.JSON.readTree(response.body()).path("error");
                assertThat(error.path("code").asString()).as(endpoint + " " + attempt.getKey())
                        .isEqualTo("invalid_token");
            }
        }
        assertThat(accepted).as("calls that were not refused with 401").isEmpty();
    }

    @Test
    void theGatewayPathWorksAndItsActuatorIsOnlyOnTheManagementPort() throws Exception {
        String token = DevCredentials.token(stack.keyDir(), "acme", "inference:invoke");
        GatewayClient gateway = new GatewayClient(stack.gateway().url("/"));
        GatewayClient.Reply reply = gateway.post("/v1/chat/completions", token,
                Map.of(WarmpathHeaders.SESSION_AFFINITY, "zero-trust-1"), CHAT);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);

        // Not served on the public port: a path the gateway lets through unauthenticated finds nothing, any other
        // asks for a token first.
        for (String path : List.of("/actuator/prometheus", "/actuator/health", "/actuator/env")) {
            assertThat(http.send(HttpRequest.newBuilder(stack.gateway().url(path)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode()).as(path).isIn(401, 404);
        }
        assertThat(http.send(HttpRequest.newBuilder(stack.gateway().managementUrl("/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
    }

    /**
     * The prefix cache is no side channel between tenants: the cell salts each tenant's prompts, so tenant B sending
     * tenant A's exact prompt to A's cell (found by reading {@code x-warmpath-cell}) finds nothing cached, and cannot
     * send a {@code cache_salt} of its own, while A's own next turn still hits.
     */
    @Test
    void anotherTenantSendingTheSamePromptToTheSameCellFindsNothingCached() throws Exception {
        GatewayClient gateway = new GatewayClient(stack.gateway().url("/"));
        String secret = "You are the billing agent of tenant A. Internal escalation code 7731-ALPHA. ".repeat(12);
        GatewayClient.Conversation conversation = new GatewayClient.Conversation(MODEL, secret);
        String tenantA = DevCredentials.token(stack.keyDir(), "tenant-a", "inference:invoke");
        String tenantB = DevCredentials.token(stack.keyDir(), "tenant-b", "inference:invoke");

        GatewayClient.Reply first = gateway.chat(tenantA, "a-1", conversation.turn("What is my balance?"));
        assertThat(first.status()).as(first.body()).isEqualTo(200);

        GatewayClient.Reply probe = gateway.chat(tenantB, "b-1", conversation.turn("What is my balance?"));
        assertThat(probe.status()).as(probe.body()).isEqualTo(200);
        assertThat(probe.cell()).as("the same cell").isEqualTo(first.cell());
        assertThat(probe.cachedTokens()).as("tenant B reads nothing of tenant A's prompt").isZero();

        ObjectNode salted = conversation.turn("What is my balance?");
        salted.put("cache_salt", "tenant-a");
        GatewayClient.Reply guess = gateway.chat(tenantB, "b-1", salted);
        assertThat(guess.status()).as("a client cannot choose its salt").isEqualTo(400);
        assertThat(guess.json().path("error").path("param").asString()).isEqualTo("cache_salt");

        conversation.answered(first);
        GatewayClient.Reply next = gateway.chat(tenantA, "a-1", conversation.turn("And last month?"));
        assertThat(next.status()).as(next.body()).isEqualTo(200);
        assertThat(next.cachedTokens()).as("tenant A's own next turn is cached")
                .isGreaterThanOrEqualTo(first.promptTokens() / 2);
    }

    /**
     * Hostile input to every public endpoint, as {@link ApiFuzzer} mutates valid requests: whatever arrives, the
     * gateway and the services behind it answer; a client's mistake is a 4xx in OpenAI error JSON (problem details
     * off {@code /v1/}), and nothing is a 5xx. The seed is fixed so a failure replays; {@code -Dwarmpath.fuzz.seed}
     * and {@code -Dwarmpath.fuzz.requests} explore further.
     */
    @Test
    void hostileRequestsToThePublicApiAreAlwaysAnsweredAndNeverAServerError() throws Exception {
        long seed = Long.getLong("warmpath.fuzz.seed", 20261206L);
        int requests = Integer.getInteger("warmpath.fuzz.requests", 1500);
        String token = DevCredentials.token(stack.keyDir(), "fuzz", "inference:invoke", "sessions:write",
                "sessions:read", "tools:weather");
        GatewayClient gateway = new GatewayClient(stack.gateway().url("/"));
        GatewayClient.Reply created = gateway.post("/v1/sessions", token, Map.of(), "{\"workflow\":\"fuzz\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String sessionId = created.json().path("id").asString();
        String affinity = created.json().path("affinity_token").asString();
        List<ApiFuzzer.Request> seeds = seeds(token, sessionId, affinity);
        RawHttp raw = new RawHttp(stack.gateway().url("/").getHost(), stack.gateway().url("/").getPort());
        ApiFuzzer fuzzer = new ApiFuzzer(seed);

        List<String> findings = new ArrayList<>();
        Map<Integer, Integer> statuses = new java.util.TreeMap<>();
        for (int i = 0; i < requests && findings.size() < 20; i++) {
            ApiFuzzer.Request request = fuzzer.mutate(seeds.get(i % seeds.size()));
            RawHttp.Response response;
            try {
                response = raw.send(request.method(), request.target(), request.headers(), request.body());
            } catch (IOException e) {
                findings.add("#" + i + " dropped (" + e.getMessage() + "): " + request);
                continue;
            }
            statuses.merge(response.status(), 1, Integer::sum);
            String problem = problemWith(response, request.target());
            if (problem != null) {
                findings.add("#" + i + " " + response.status() + " " + problem + ": " + request + " -> "
                        + response.text().substring(0, Math.min(300, response.text().length())));
            }
        }
        System.out.println("Fuzzed " + requests + " requests (seed " + seed + "): statuses " + statuses);
        assertThat(findings).as("seed " + seed).isEmpty();
        assertThat(statuses.keySet()).as("the mutations reach both success and refusal")
                .anyMatch(status -> status < 300).anyMatch(status -> status >= 400);
    }

    /** One valid request per public endpoint, which the fuzzer then mutates. */
    private static List<ApiFuzzer.Request> seeds(String token, String sessionId, String affinity) {
        List<Map.Entry<String, String>> json = List.of(Map.entry("authorization", "Bearer " + token),
                Map.entry("content-type", "application/json"), Map.entry("x-session-affinity", "fuzz-implicit"));
        List<Map.Entry<String, String>> plain = List.of(Map.entry("authorization", "Bearer " + token));
        List<Map.Entry<String, String>> inSession = List.of(Map.entry("authorization", "Bearer " + token),
                Map.entry("content-type", "application/json"), Map.entry("x-session-affinity", affinity));
        byte[] none = new byte[0];
        return List.of(
                new ApiFuzzer.Request("POST", "/v1/chat/completions", json, utf8("{\"model\":\"" + MODEL
                        + "\",\"max_tokens\":4,\"temperature\":0.2,\"messages\":[{\"role\":\"system\","
                        + "\"content\":\"You are terse.\"},{\"role\":\"user\",\"content\":\"Hello\"}],"
                        + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"weather\","
                        + "\"parameters\":{\"type\":\"object\"}}}]}")),
                new ApiFuzzer.Request("POST", "/v1/chat/completions", inSession, utf8("{\"model\":\"" + MODEL
                        + "\",\"max_completion_tokens\":3,\"stream\":true,\"stream_options\":"
                        + "{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":"
                        + "[{\"type\":\"text\",\"text\":\"Hi\"}]}]}")),
                new ApiFuzzer.Request("POST", "/v1/completions", json, utf8("{\"model\":\"" + MODEL
                        + "\",\"prompt\":\"Once\",\"max_tokens\":3,\"n\":1}")),
                new ApiFuzzer.Request("GET", "/v1/models", plain, none),
                new ApiFuzzer.Request("POST", "/v1/sessions", json, utf8("{\"workflow\":\"fuzz\","
                        + "\"data_class\":\"internal\",\"ttl_seconds\":600,\"budgets\":{"
                        + "\"max_context_tokens\":4000,\"max_total_tokens\":100000,\"max_cost_usd\":1.5}}")),
                new ApiFuzzer.Request("GET", "/v1/sessions/" + sessionId, plain, none),
                new ApiFuzzer.Request("GET", "/v1/sessions/" + sessionId + "/usage", plain, none),
                new ApiFuzzer.Request("POST", "/v1/tools/weather/invoke", json,
                        utf8("{\"input\":{\"city\":\"Oslo\"},\"data_class\":\"internal\"}")));
    }

    /** What is wrong with a response to a fuzzed request, or null when nothing is. */
    private static String problemWith(RawHttp.Response response, String target) {
        if (response.status() >= 500) {
            return "server error";
        }
        if (response.status() < 400) {
            return null;
        }
        JsonNode body;
        try {
            body = GatewayClient.JSON.readTree(response.body());
        } catch (RuntimeException e) {
            return "a client error without a JSON body";
        }
        String type = response.headers().getOrDefault("content-type", "");
        if (target.startsWith("/v1/")) {
            JsonNode error = body == null ? null : body.path("error");
            boolean openAi = type.startsWith("application/json") && error != null && error.isObject()
                    && error.path("message").isString() && !error.path("message").asString().isEmpty()
                    && error.path("type").isString() && error.path("code").isString();
            return openAi ? null : "not OpenAI error JSON";
        }
        boolean problem = type.startsWith("application/problem+json") && body != null
                && body.path("status").asInt() == response.status() && body.path("title").isString();
        return problem ? null : "not problem details";
    }

    private static byte[] utf8(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private HttpResponse<String> send(Endpoint endpoint, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint.service().url(endpoint.path()))
                .timeout(Duration.ofSeconds(30))
                .method(endpoint.method(), endpoint.body() == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(endpoint.body()));
        if (endpoint.body() != null) {
            request.header("content-type", "application/json");
        }
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Signed with a key the attacker made, named as the gateway's key is. */
    private String forgedWithTheGatewaysKid(Assertion assertion, String audience) throws Exception {
        ECKey gatewayKey = DevAssertionKeys.load(stack.keyDir());
        ECKey impostor = new ECKeyGenerator(Curve.P_256).keyID(gatewayKey.getKeyID()).generate();
        Path dir = Files.createTempDirectory("impostor-" + UUID.randomUUID());
        Files.writeString(dir.resolve(DevAssertionKeys.SIGNING_KEY_FILE), impostor.toJSONString());
        return DevAssertionKeys.mint(dir, assertion, audience, Duration.ofMinutes(5));
    }

    private static Map<String, String> bearer(String token) {
        return Map.of("authorization", "Bearer " + token);
    }

    private static String otherThan(String audience) {
        return audience.equals(Audiences.SESSIONS) ? Audiences.INFERENCE : Audiences.SESSIONS;
    }

    private record Endpoint(ServiceProcess service, String audience, String method, String path, String body) {

        @Override
        public String toString() {
            return service.name() + " " + method + " " + path;
        }
    }
}
