package io.warmpath.gateway;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.warmpath.gateway.sessions.StubPorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every way a token can be wrong gets 401 with OpenAI error JSON and {@code WWW-Authenticate: Bearer
 * error="invalid_token"}, on the inference, session and tool routes alike, before any of them does work.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "30s") // the default 5 s is too short on a busy CI machine
class JwtHardeningIntegrationTest {

    private static final TestTokens TOKENS = new TestTokens();
    /** Every scope the routes below need, so a 401 can only come from the token itself. */
    private static final String ALL_SCOPES = "inference:invoke sessions:write tools:echo";

    @DynamicPropertySource
    static void gatewayProperties(DynamicPropertyRegistry registry) {
        registry.add("spring.security.oauth2.resourceserver.jwt.public-key-location", TOKENS::publicKeyLocation);
        registry.add("warmpath.gateway.sessions.url", () -> "http://127.0.0.1:" + StubPorts.closedPort());
        registry.add("warmpath.gateway.health.probe-interval", () -> "1h");
        registry.add("warmpath.gateway.tools.registry.echo.url", () -> "http://127.0.0.1:" + StubPorts.closedPort());
        registry.add("warmpath.gateway.tools.registry.echo.input-schema", () -> "{}");
    }

    @Autowired
    WebTestClient client;

    static Stream<Arguments> rejectedTokens() {
        return Stream.of(
                Arguments.of("alg none (unsigned)", unsigned(valid())),
                Arguments.of("alg none with a signature copied from a valid token", unsignedWithStolenSignature()),
                Arguments.of("signed by another key", new TestTokens().token(claims -> claims.claim("scope",
                        ALL_SCOPES))),
                Arguments.of("HS256 keyed with the gateway's public key", hmacWithPublicKey()),
                Arguments.of("signature of another payload", tamperedPayload()),
                Arguments.of("expired", TOKENS.token(scoped(claims -> claims
                        .issueTime(Date.from(Instant.now().minus(Duration.ofHours(2))))
                        .expirationTime(Date.from(Instant.now().minus(Duration.ofHours(1))))))),
                Arguments.of("no expiry", TOKENS.token(scoped(claims -> claims.expirationTime(null)))),
                Arguments.of("not valid yet", TOKENS.token(scoped(claims -> claims
                        .notBeforeTime(Date.from(Instant.now().plus(Duration.ofHours(1))))))),
                Arguments.of("another issuer", TOKENS.token(scoped(claims -> claims.issuer("someone-else")))),
                Arguments.of("no issuer", TOKENS.token(scoped(claims -> claims.issuer(null)))),
                Arguments.of("another audience", TOKENS.token(scoped(claims -> claims.audience("another-api")))),
                Arguments.of("no audience", TOKENS.token(scoped(claims -> claims.audience((String) null)))),
                Arguments.of("no tenant", TOKENS.token(scoped(claims -> claims.claim("tenant", null)))),
                Arguments.of("blank tenant", TOKENS.token(scoped(claims -> claims.claim("tenant", " ")))),
                // session-service accepts 1-256 visible ASCII characters; anything else must stop here.
                Arguments.of("tenant with a space", TOKENS.token(scoped(claims -> claims.claim("tenant", "Acme Corp")))),
                Arguments.of("tenant with a line break", TOKENS.token(scoped(claims -> claims.claim("tenant",
                        "acme\r\nx-warmpath-tenant: globex")))),
                Arguments.of("non-ASCII tenant", TOKENS.token(scoped(claims -> claims.claim("tenant", "acmé")))),
                Arguments.of("tenant over 256 characters", TOKENS.token(scoped(claims -> claims.claim("tenant",
                        "a".repeat(257))))),
                Arguments.of("numeric tenant", TOKENS.token(scoped(claims -> claims.claim("tenant", 42)))),
                Arguments.of("not a JWT", "not-a-jwt"));
    }

    @ParameterizedTest(name = "{0} on chat completions")
    @MethodSource("rejectedTokens")
    void rejectedOnChatCompletions(String why, String token) {
        assertUnauthorized(client.post().uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"kimi-k2.5\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), token);
    }

    @ParameterizedTest(name = "{0} on tool calls")
    @MethodSource("rejectedTokens")
    void rejectedOnToolCalls(String why, String token) {
        assertUnauthorized(client.post().uri("/v1/tools/echo/invoke")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"input\":{}}"), token);
    }

    @ParameterizedTest(name = "{0} on sessions")
    @MethodSource("rejectedTokens")
    void rejectedOnSessions(String why, String token) {
        assertUnauthorized(client.get().uri("/v1/sessions/ses_1"), token);
    }

    @Test
    void theValidTokenTheCasesAreDerivedFromIsAccepted() {
        // Guards the cases above: each differs from this token in one respect only. Past authentication the tool
        // route answers on its own (its tool is down here), which is not a 401.
        client.post().uri("/v1/tools/echo/invoke")
                .headers(bearer(TOKENS.token(scoped(claims -> { }))))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"input\":{}}")
                .exchange()
                .expectStatus().value(status -> assertThat(status).isNotEqualTo(401));
    }

    static Stream<Arguments> unusableClaims() {
        return Stream.of(
                Arguments.of("clearance", "top-secret"),
                Arguments.of("clearance", 3),
                Arguments.of("region", "eu west"),
                Arguments.of("region", "r".repeat(65)),
                Arguments.of("roles", "admin"),
                Arguments.of("roles", List.of("analyst", "line\nbreak")));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("unusableClaims")
    void aValidTokenWithClaimsPolicyCannotUseIsABadRequestNotAnOutage(String claim, Object value) {
        client.post().uri("/v1/chat/completions")
                .headers(bearer(TOKENS.token(scoped(claims -> claims.claim(claim, value)))))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"model\":\"kimi-k2.5\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .exchange()
                .expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.error.code").isEqualTo("invalid_token_claims")
                .jsonPath("$.error.message").value(String.class, message -> assertThat(message).contains(claim));
    }

    private void assertUnauthorized(WebTestClient.RequestHeadersSpec<?> request, String token) {
        request.headers(bearer(token))
                .exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().value(HttpHeaders.WWW_AUTHENTICATE, value -> assertThat(value)
                        .startsWith("Bearer").contains("error=\"invalid_token\""))
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody()
                .jsonPath("$.error.type").isEqualTo("authentication_error")
                .jsonPath("$.error.code").isEqualTo("invalid_token")
                .jsonPath("$.error.message").isNotEmpty();
    }

    private static Consumer<JWTClaimsSet.Builder> scoped(Consumer<JWTClaimsSet.Builder> change) {
        return claims -> change.accept(claims.claim("scope", ALL_SCOPES));
    }

    /** The claims of a valid token with every scope. */
    private static JWTClaimsSet valid() {
        try {
            return SignedJWT.parse(TOKENS.token(scoped(claims -> { }))).getJWTClaimsSet();
        } catch (java.text.ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String unsigned(JWTClaimsSet claims) {
        return new PlainJWT(claims).serialize();
    }

    /** {"alg":"none"} header, the valid token's payload and signature. */
    private static String unsignedWithStolenSignature() {
        String[] parts = TOKENS.token(scoped(claims -> { })).split("\\.");
        String none = Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        return none + "." + parts[1] + "." + parts[2];
    }

    /** The key-confusion attack: HS256 with the RSA public key (as the PEM the gateway reads) as the secret. */
    private static String hmacWithPublicKey() {
        try {
            byte[] pem = Files.readAllBytes(Path.of(URI.create(TOKENS.publicKeyLocation())));
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), valid());
            jwt.sign(new MACSigner(pem));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A valid signature over one payload, sent with another (tenant changed). */
    private static String tamperedPayload() {
        String[] parts = TOKENS.token(scoped(claims -> { })).split("\\.");
        String otherPayload = TOKENS.token(scoped(claims -> claims.claim("tenant", "globex"))).split("\\.")[1];
        return parts[0] + "." + otherPayload + "." + parts[2];
    }

    private static Consumer<HttpHeaders> bearer(String token) {
        return headers -> headers.setBearerAuth(token);
    }
}
