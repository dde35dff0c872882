package io.warmpath.enginesim.admin;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"time-scale=0.01", "num-gpu-blocks-override=2048", "engine.admin.enabled=true"})
class FaultAdminIntegrationTest {

    private WebTestClient client;
    @LocalServerPort
    private int port;

    /**
     * A new connection per request. With pooled connections this class twice hung on a busy CI machine: a request on
     * a reused connection reached the handler only when the client gave up 30 s later (cause not found yet). The
     * faults these tests inject break connections on purpose; no request here may depend on one that survived.
     */
    @BeforeEach
    void connectFreshly() {
        client = WebTestClient.bindToServer(new ReactorClientHttpConnector(
                        HttpClient.create(ConnectionProvider.newConnection())))
                .baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(30))
                .build();
    }

    @AfterEach
    void clearFaults() {
        client.delete().uri("/admin/faults").exchange().expectStatus().isNoContent()
                .expectBody(Void.class);
    }

    @Test
    void failNextGivesErrorsThenRecovers() {
        putFaults("{\"failNext\": 2, \"failStatus\": 503}")
                .expectBody().jsonPath("$.failNext").isEqualTo(2).jsonPath("$.failStatus").isEqualTo(503);

        for (int attempt = 0; attempt < 2; attempt++) {
            chat(false).expectStatus().isEqualTo(503)
                    .expectBody().jsonPath("$.error.type").isEqualTo("ServiceUnavailableError");
        }
        chat(false).expectStatus().isOk()
                .expectBody(Void.class);
        client.get().uri("/admin/faults").exchange()
                .expectBody().jsonPath("$.failNext").isEqualTo(0);
    }

    @Test
    void injectedFailureOnAStreamingRequestIsAnHttpError() {
        putFaults("{\"failNext\": 1}");

        chat(true).expectStatus().isEqualTo(500)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody().jsonPath("$.error.code").isEqualTo("injected_fault");
    }

    @Test
    void cutAfterTokensBreaksTheStreamWithoutDone() throws IOException {
        putFaults("{\"cutAfterTokens\": 3}");

        String response = rawStreamingChat();

        assertThat(response).startsWith("HTTP/1.1 200").containsIgnoringCase("transfer-encoding: chunked");
        assertThat(response).doesNotContain("[DONE]");
        // The role chunk, then one chunk per token before the cut.
        assertThat(response.split("data: ", -1)).hasSize(1 + 4);
        // An abrupt end: the connection closes without the terminating zero-length chunk.
        assertThat(response).doesNotEndWith("0\r\n\r\n");
    }

    @Test
    void invalidFaultSettingsGetProblemDetails() {
        putFaults("{\"failStatus\": 200}").expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.status").isEqualTo(400).jsonPath("$.detail").isNotEmpty();
        putFaults("{not json").expectStatus().isBadRequest()
                .expectBody(Void.class);
    }

    @Test
    void deleteClearsEveryFault() {
        putFaults("{\"failNext\": 5, \"stallMs\": 10, \"cutAfterTokens\": 1, \"slowdown\": 3.0}");

        client.delete().uri("/admin/faults").exchange().expectStatus().isNoContent()
                .expectBody(Void.class);

        client.get().uri("/admin/faults").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.failNext").isEqualTo(0)
                .jsonPath("$.stallMs").isEqualTo(0)
                .jsonPath("$.cutAfterTokens").isEqualTo(-1)
                .jsonPath("$.slowdown").isEqualTo(1.0);
    }

    /**
     * Reads the raw HTTP response over a plain socket until the server closes it, so that nothing received before
     * the abort is lost in a client's decoding pipeline.
     */
    private String rawStreamingChat() throws IOException {
        String body = "{\"stream\": true, \"max_tokens\": 10, \"messages\": [{\"role\": \"user\", \"content\": \"cut\"}]}";
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            try {
                socket.getInputStream().transferTo(received);
            } catch (SocketException reset) {
                // a reset also ends the stream; keep what arrived
            }
            return received.toString(StandardCharsets.UTF_8);
        }
    }

    private WebTestClient.ResponseSpec putFaults(String json) {
        return client.put().uri("/admin/faults").contentType(MediaType.APPLICATION_JSON).bodyValue(json).exchange();
    }

    private WebTestClient.ResponseSpec chat(boolean stream) {
        return client.post().uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("stream", stream, "max_tokens", 10,
                        "messages", List.of(Map.of("role", "user", "content", "Fault test"))))
                .exchange();
    }
}
