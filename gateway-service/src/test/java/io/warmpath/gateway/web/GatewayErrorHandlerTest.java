package io.warmpath.gateway.web;

import java.io.IOException;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.util.unit.DataSize;
import org.springframework.web.server.ResponseStatusException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class GatewayErrorHandlerTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final GatewayErrorHandler handler = new GatewayErrorHandler(new ErrorResponseWriter(JSON,
            new RequestBodies(new RequestLimitProperties(DataSize.ofMegabytes(1), DataSize.ofGigabytes(5),
                    DataSize.ofKilobytes(16), 64, 8192))));

    @Test
    void sessionServiceTimeoutNamesTheSessionService() {
        JsonNode error = handle("/v1/sessions/ses_1", new ResponseStatusException(HttpStatus.GATEWAY_TIMEOUT),
                HttpStatus.GATEWAY_TIMEOUT);

        assertThat(error.get("code").stringValue()).isEqualTo("upstream_timeout");
        assertThat(error.get("message").stringValue()).isEqualTo("The session service did not answer in time.");
    }

    @Test
    void cellTimeoutNamesTheCell() {
        JsonNode error = handle("/v1/chat/completions", new ResponseStatusException(HttpStatus.GATEWAY_TIMEOUT),
                HttpStatus.GATEWAY_TIMEOUT);

        assertThat(error.get("message").stringValue()).isEqualTo("The inference cell did not answer in time.");
    }

    @Test
    void upstreamConnectionBrokenAfterConnectingIsABadGatewayNotAnInternalError() {
        IOException reset = new IOException("Connection reset by peer");

        assertThat(handle("/v1/sessions", reset, HttpStatus.BAD_GATEWAY).get("code").stringValue())
                .isEqualTo("session_service_failed");
        assertThat(handle("/v1/completions", new IllegalStateException("wrapped", reset), HttpStatus.BAD_GATEWAY)
                .get("code").stringValue()).isEqualTo("cell_failed");
    }

    private JsonNode handle(String path, Throwable failure, HttpStatus expectedStatus) {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post(path));
        handler.handle(exchange, failure).block();

        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(expectedStatus);
        JsonNode body = JSON.readTree(exchange.getResponse().getBodyAsString().block());
        assertThat(body.get("error").get("type").stringValue()).isEqualTo("server_error");
        return body.get("error");
    }
}
