package io.warmpath.session.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

import io.warmpath.session.SessionServiceTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient.BodyContentSpec;
import org.springframework.test.web.servlet.client.RestTestClient.ResponseSpec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every client error is OpenAI error JSON, whichever layer refuses the request: a handler, Spring MVC before a
 * handler is chosen, the security firewall, the servlet container's error page or Tomcat itself.
 */
class ErrorShapeApiTest extends SessionServiceTest {

    /** Not UTF-8: a byte-order mark of UTF-16, a NUL, a lone continuation byte and a truncated sequence. */
    private static final byte[] BINARY = {(byte) 0xff, (byte) 0xfe, 0x00, (byte) 0x80, (byte) 0xc3, 0x28};
    private static final String SESSION = "ses_aaaaaaaaaaaaaaaaaaaaaaaaaa";
    /** More than Tomcat reads of a request line and its headers: server.max-http-request-header-size is 64KB. */
    private static final int TOO_LARGE = 65 * 1024;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Test
    void aBinaryBodyIsAnInvalidJsonBadRequestOnEveryPostWhateverItsContentType() {
        for (MediaType type : new MediaType[] {MediaType.APPLICATION_FORM_URLENCODED, MediaType.APPLICATION_JSON}) {
            for (String path : new String[] {"/v1/sessions", "/internal/resolve", "/internal/turns",
                    "/internal/sessions/" + SESSION + "/reservations", "/internal/reservations/rsv_x/settle"}) {
                send(HttpMethod.POST, path, type, BINARY).expectStatus().isBadRequest().expectBody()
                        .jsonPath("$.error.code").isEqualTo("invalid_json")
                        .jsonPath("$.error.type").isEqualTo("invalid_request_error");
            }
        }
        send(HttpMethod.PUT, "/internal/sessions/" + SESSION + "/binding", MediaType.APPLICATION_JSON, BINARY)
                .expectStatus().isBadRequest().expectBody().jsonPath("$.error.code").isEqualTo("invalid_json");
        // A form body on a PUT is not read at all: the wrong content type, as any other.
        send(HttpMethod.PUT, "/internal/sessions/" + SESSION + "/binding", MediaType.APPLICATION_FORM_URLENCODED,
                "a=%zz".getBytes(StandardCharsets.US_ASCII))
                .expectStatus().isEqualTo(415).expectBody().jsonPath("$.error.code").isEqualTo("unsupported_media_type");
    }

    @Test
    void aPostedFormBodyTomcatCannotDecodeOrTheFirewallRefusesIsABadRequest() {
        send(HttpMethod.POST, "/v1/sessions", MediaType.APPLICATION_FORM_URLENCODED,
                "a=%zz".getBytes(StandardCharsets.US_ASCII))
                .expectStatus().isBadRequest().expectBody().jsonPath("$.error.code").isEqualTo("invalid_json");
        send(HttpMethod.POST, "/internal/resolve", MediaType.APPLICATION_FORM_URLENCODED, new byte[] {0})
                .expectStatus().isBadRequest().expectBody().jsonPath("$.error.code").isEqualTo("invalid_request");
    }

    @Test
    void aWrongOrMissingContentTypeIs415WithTheTypesAccepted() {
        errorOf(send(HttpMethod.POST, "/v1/sessions", MediaType.TEXT_PLAIN,
                "{\"workflow\":\"a\"}".getBytes(StandardCharsets.UTF_8))
                .expectStatus().isEqualTo(415)
                .expectHeader().value(HttpHeaders.ACCEPT, accept -> assertThat(accept).contains("application/json")),
                "unsupported_media_type");
        errorOf(client.post().uri("/internal/resolve").header(HttpHeaders.AUTHORIZATION, bearer(tenant))
                .body("{\"affinity\":\"x\"}".getBytes(StandardCharsets.UTF_8)).exchange()
                .expectStatus().isEqualTo(415), "unsupported_media_type");
    }

    @Test
    void aWrongMethodIs405WithTheMethodsAllowed() {
        errorOf(client.patch().uri("/v1/sessions").header(HttpHeaders.AUTHORIZATION, bearer(tenant)).exchange()
                .expectStatus().isEqualTo(405)
                .expectHeader().value(HttpHeaders.ALLOW, allow -> assertThat(allow).contains("POST")),
                "method_not_allowed");
    }

    @Test
    void anAnswerTheCallerDoesNotAcceptIs406() {
        errorOf(client.post().uri("/internal/resolve").header(HttpHeaders.AUTHORIZATION, bearer(tenant))
                .accept(MediaType.APPLICATION_XML).contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("affinity", "x")).exchange().expectStatus().isEqualTo(406), "not_acceptable");
    }

    @Test
    void aUrlTheSecurityFirewallRefusesIsABadRequestNotAnAuthenticationFailure() {
        for (String path : new String[] {"/v1/sessions/" + SESSION + ";a=b", "//v1/sessions/" + SESSION,
                "/v1/sessions/%2e%2e/" + SESSION}) {
            Raw answer = raw("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + bearer(tenant)
                    + "\r\nConnection: close\r\n\r\n");
            assertThat(answer.status()).as(path).isEqualTo(400);
            assertThat(answer.code()).as(path).isEqualTo("invalid_request");
        }
    }

    @Test
    void aRequestTomcatRefusesBeforeTheApplicationIsABadRequestInOpenAiShape() {
        for (String path : new String[] {"/v1/sessions/%zz",
                "/internal/sessions/" + SESSION + "/reservations/by-request/a%2Fb", "/v1/sessions/a%00b",
                "/v1/sessions/" + "x".repeat(TOO_LARGE)}) {
            String method = path.contains("by-request") ? "DELETE" : "GET";
            Raw answer = raw(method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: "
                    + bearer(tenant) + "\r\nConnection: close\r\n\r\n");
            assertThat(answer.status()).as(path.substring(0, Math.min(path.length(), 80))).isEqualTo(400);
            assertThat(answer.header("content-type")).as(path).startsWith("application/json");
            assertThat(answer.code()).as(path).isEqualTo("invalid_request");
        }
        Raw tooLarge = raw("GET /v1/sessions/" + SESSION + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: "
                + bearer(tenant) + "\r\nX-Padding: " + "x".repeat(TOO_LARGE) + "\r\nConnection: close\r\n\r\n");
        assertThat(tooLarge.status()).isEqualTo(400);
        assertThat(tooLarge.code()).isEqualTo("invalid_request");
    }

    @Test
    void aBodyTheContainerCannotReadIsABadRequestFromTheErrorPageInOpenAiShape() {
        Raw answer = raw("POST /v1/sessions HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + bearer(tenant)
                + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + "zz\r\n");
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.code()).isIn("invalid_json", "invalid_request");
    }

    @Test
    void theErrorPageCalledDirectlyIsAnUnknownRoute() {
        errorOf(client.get().uri("/error").header(HttpHeaders.AUTHORIZATION, bearer(tenant)).exchange()
                .expectStatus().isNotFound(), "not_found");
    }

    private ResponseSpec send(HttpMethod method,
            String path, MediaType type, byte[] body) {
        return client.method(method).uri(path).header(HttpHeaders.AUTHORIZATION, bearer(tenant)).contentType(type)
                .body(body).exchange();
    }

    private static void errorOf(ResponseSpec response,
            String code) {
        BodyContentSpec body = response.expectHeader().contentType(MediaType.APPLICATION_JSON).expectBody();
        body.jsonPath("$.error.code").isEqualTo(code).jsonPath("$.error.type").isEqualTo("invalid_request_error")
                .jsonPath("$.error.message").isNotEmpty();
    }

    /** Sends a request as written, for paths no HTTP client would send. */
    private Raw raw(String request) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return Raw.parse(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An HTTP/1.1 answer read to the end of the connection. */
    private record Raw(int status, String head, String body) {

        static Raw parse(InputStream in) throws IOException {
            String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int split = all.indexOf("\r\n\r\n");
            String head = all.substring(0, split);
            String body = all.substring(split + 4);
            if (head.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked")) {
                body = unchunked(body);
            }
            return new Raw(Integer.parseInt(head.split(" ")[1]), head, body);
        }

        String header(String name) {
            return head.lines().filter(line -> line.toLowerCase(Locale.ROOT).startsWith(name + ":"))
                    .map(line -> line.substring(name.length() + 1).strip()).findFirst().orElse("");
        }

        String code() {
            JsonNode error = JSON.readTree(body).path("error");
            assertThat(error.path("type").asString()).endsWith("_error");
            assertThat(error.path("message").asString()).isNotEmpty();
            return error.path("code").asString();
        }

        private static String unchunked(String chunked) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int at = 0;
            while (true) {
                int lineEnd = chunked.indexOf("\r\n", at);
                int size = Integer.parseInt(chunked.substring(at, lineEnd).strip(), 16);
                if (size == 0) {
                    return out.toString(StandardCharsets.UTF_8);
                }
                out.writeBytes(chunked.substring(lineEnd + 2, lineEnd + 2 + size).getBytes(StandardCharsets.UTF_8));
                at = lineEnd + 2 + size + 2;
            }
        }
    }
}
