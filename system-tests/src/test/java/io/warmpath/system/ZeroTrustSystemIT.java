package io.warmpath.system;

import java.io.IOException;
import java.net.URI;
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
