package io.warmpath.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.warmpath.contracts.Ids;
import io.warmpath.contracts.WarmpathHeaders;
import io.warmpath.contracts.assertion.Audiences;
import io.warmpath.gateway.sessions.StubPorts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /v1/artifacts} through the gateway to a stand-in for artifact-service: uploads stream through past the
 * gateway's own body limit up to its artifact ceiling, downloads stream back, the artifact scopes are enforced, the
 * service gets an assertion of its own and one for policy-service, never the client's token.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ArtifactRouteIntegrationTest {

    private static final TestTokens TOKENS = new TestTokens();
    private static final StubArtifactService ARTIFACTS = new StubArtifactService();
    private static final int MAX_ARTIFACT_BYTES = 8 * 1024 * 1024;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void gatewayProperties(DynamicPropertyRegistry registry) {
        registry.add("spring.security.oauth2.resourceserver.jwt.public-key-location", TOKENS::publicKeyLocation);
        registry.add("warmpath.gateway.max-request-bytes", () -> "64KB");
        registry.add("warmpath.gateway.max-artifact-bytes", () -> MAX_ARTIFACT_BYTES + "B");
        registry.add("warmpath.gateway.artifacts.url", ARTIFACTS::url);
        registry.add("warmpath.gateway.sessions.url", () -> "http://127.0.0.1:" + StubPorts.closedPort());
        registry.add("warmpath.gateway.policy.enabled", () -> "false");
    }

    @AfterAll
    static void stop() {
        ARTIFACTS.server.stop(0);
    }

    @BeforeEach
    void reset() {
        ARTIFACTS.seen.clear();
    }

    @Test
    void uploadLargerThanTheGatewaysBodyLimitStreamsThroughWithTheServicesOwnAssertions() throws Exception {
        byte[] bytes = new byte[3 * 1024 * 1024];
        new Random(3).nextBytes(bytes);

        HttpResponse<String> response = send(writer(), HttpRequest.newBuilder(uri("/v1/artifacts?name=a.bin"))
                .header("Idempotency-Key", "k-1")
                .header("content-type", "image/png")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        Seen seen = ARTIFACTS.seen.getLast();
        assertThat(seen.method()).isEqualTo("PUT");
        assertThat(seen.pathAndQuery()).isEqualTo("/v1/artifacts?name=a.bin");
        assertThat(seen.sha256()).isEqualTo(HexFormat.of().formatHex(Ids.sha256().digest(bytes)));
        assertThat(seen.idempotencyKey()).isEqualTo("k-1");
        assertThat(seen.contentType()).as("an artifact's own type, not JSON").isEqualTo("image/png");
        assertThat(SignedJWT.parse(seen.authorization().substring("Bearer ".length())).getJWTClaimsSet()
                .getAudience()).containsExactly(Audiences.ARTIFACTS);
        assertThat(SignedJWT.parse(seen.policyAssertion()).getJWTClaimsSet().getAudience())
                .containsExactly(Audiences.POLICY);
    }

    @Test
    void uploadOverTheArtifactCeilingIsRefusedByTheGateway() throws Exception {
        HttpResponse<String> response = send(writer(), HttpRequest.newBuilder(uri("/v1/artifacts?name=big"))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[MAX_ARTIFACT_BYTES + 1])));

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(ARTIFACTS.seen).isEmpty();
    }

    @Test
    void downloadStreamsBackWithItsHeaders() throws Exception {
        HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(uri("/v1/artifacts/art_x"))
                .header("authorization", "Bearer " + reader()).header("range", "bytes=0-3").build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(206);
        assertThat(response.headers().firstValue("content-range")).hasValue("bytes 0-3/10");
        assertThat(response.body()).containsExactly('0', '1', '2', '3');
        assertThat(ARTIFACTS.seen.getLast().range()).isEqualTo("bytes=0-3");
    }

    @Test
    void artifactScopesAreEnforcedAtTheGateway() throws Exception {
        String invokeOnly = TOKENS.token(claims -> claims.claim("scope", "inference:invoke"));

        assertThat(send(invokeOnly, HttpRequest.newBuilder(uri("/v1/artifacts"))).statusCode()).isEqualTo(403);
        assertThat(send(reader(), HttpRequest.newBuilder(uri("/v1/artifacts"))).statusCode()).isEqualTo(200);
        assertThat(send(reader(), HttpRequest.newBuilder(uri("/v1/artifacts?name=x"))
                .PUT(HttpRequest.BodyPublishers.ofString("x"))).statusCode()).isEqualTo(403);
        assertThat(send(reader(), HttpRequest.newBuilder(uri("/v1/artifacts/art_x")).DELETE()).statusCode())
                .isEqualTo(403);
        assertThat(send(writer(), HttpRequest.newBuilder(uri("/v1/artifacts/art_x/legal-hold"))
                .PUT(HttpRequest.BodyPublishers.ofString("{\"hold\":false}"))).statusCode())
                .as("a hold is an administrator's call").isEqualTo(403);
        assertThat(ARTIFACTS.seen).hasSize(1);
    }

    @Test
    void otherMethodsAreNotAllowedAndTheServiceDownIsUnavailable() throws Exception {
        HttpResponse<String> patch = send(writer(), HttpRequest.newBuilder(uri("/v1/artifacts/art_x"))
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(patch.statusCode()).isEqualTo(405);
        assertThat(patch.headers().firstValue("allow")).isPresent();

        ARTIFACTS.failNext = true;
        HttpResponse<String> down = send(writer(), HttpRequest.newBuilder(uri("/v1/artifacts")));
        assertThat(down.statusCode()).isEqualTo(502);
        assertThat(down.body()).contains("artifact_service_failed");
    }

    private static String writer() {
        return TOKENS.token(claims -> claims.claim("scope", "artifacts:read artifacts:write"));
    }

    private static String reader() {
        return TOKENS.token(claims -> claims.claim("scope", "artifacts:read"));
    }

    private HttpResponse<String> send(String token, HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.header("authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    private record Seen(String method, String pathAndQuery, String authorization, String policyAssertion,
            String idempotencyKey, String range, String contentType, String sha256) {
    }

    /** Records each request (hashing its body as it streams in) and answers as artifact-service would. */
    private static final class StubArtifactService {

        final HttpServer server;
        final List<Seen> seen = new CopyOnWriteArrayList<>();
        volatile boolean failNext;

        StubArtifactService() {
            try {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/v1/artifacts", exchange -> {
                if (failNext) {
                    failNext = false;
                    exchange.close();
                    return;
                }
                MessageDigest digest = Ids.sha256();
                try (InputStream body = exchange.getRequestBody()) {
                    byte[] buffer = new byte[8192];
                    for (int read; (read = body.read(buffer)) >= 0; ) {
                        digest.update(buffer, 0, read);
                    }
                }
                var headers = exchange.getRequestHeaders();
                URI uri = exchange.getRequestURI();
                seen.add(new Seen(exchange.getRequestMethod(), uri.getRawPath()
                        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()), headers.getFirst("authorization"),
                        headers.getFirst(WarmpathHeaders.POLICY_ASSERTION), headers.getFirst("idempotency-key"),
                        headers.getFirst("range"), headers.getFirst("content-type"),
                        HexFormat.of().formatHex(digest.digest())));
                if (exchange.getRequestMethod().equals("PUT")) {
                    answer(exchange, 201, "{\"id\":\"art_x\"}".getBytes());
                } else if (uri.getPath().equals("/v1/artifacts/art_x") && headers.getFirst("range") != null) {
                    exchange.getResponseHeaders().set("Content-Range", "bytes 0-3/10");
                    answer(exchange, 206, "0123".getBytes());
                } else {
                    answer(exchange, 200, "{\"data\":[]}".getBytes());
                }
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        private static void answer(com.sun.net.httpserver.HttpExchange exchange, int status, byte[] body)
                throws IOException {
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
