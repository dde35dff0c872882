package io.warmpath.gateway.web;

import java.util.LinkedHashMap;
import java.util.Map;

import io.warmpath.contracts.errors.ApiError;
import io.warmpath.redaction.Redactor;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes an {@link ApiError} as the response: OpenAI error JSON under {@code /v1/}, where OpenAI SDKs parse it, and
 * RFC 9457 problem details on every other path.
 *
 * <p>A request refused before its body was read has that body read and dropped first ({@link RequestBodies}), so the
 * client sees the error rather than a reset connection.
 */
@Component
public class ErrorResponseWriter {

    private final JsonMapper jsonMapper;
    private final RequestBodies bodies;

    ErrorResponseWriter(JsonMapper jsonMapper, RequestBodies bodies) {
        this.jsonMapper = jsonMapper;
        this.bodies = bodies;
    }

    /** Sets status and headers and writes the body; the caller must not have committed the response. */
    public Mono<Void> write(ServerWebExchange exchange, ApiError error) {
        return write(exchange, exchange.getResponse(), error);
    }

    /** As {@link #write(ServerWebExchange, ApiError)}, onto a given (possibly decorated) response. */
    public Mono<Void> write(ServerWebExchange exchange, ServerHttpResponse response, ApiError error) {
        Mono<Void> drained = error.status() == HttpStatus.PAYLOAD_TOO_LARGE.value() ? Mono.empty()
                : bodies.drain(exchange.getRequest());
        return drained.then(write(response, exchange.getRequest().getPath().value(), error));
    }

    private Mono<Void> write(ServerHttpResponse response, String path, ApiError error) {
        // Messages and paths can quote what the client sent (a model name, a path segment): redacted like a log line.
        Redactor redactor = Redactor.standard();
        String message = redactor.redact(error.message());
        HttpStatus status = HttpStatus.valueOf(error.status());
        response.setStatusCode(status);
        HttpHeaders headers = response.getHeaders();
        if (error.retryAfterSeconds() != null) {
            headers.set(HttpHeaders.RETRY_AFTER, error.retryAfterSeconds());
        }
        Object body;
        if (isOpenAiPath(path)) {
            headers.setContentType(MediaType.APPLICATION_JSON);
            body = error.withMessage(message).body();
        } else {
            headers.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
            Map<String, Object> problem = new LinkedHashMap<>();
            problem.put("type", "about:blank");
            problem.put("title", status.getReasonPhrase());
            problem.put("status", status.value());
            problem.put("detail", message);
            problem.put("instance", redactor.redact(path));
            problem.put("code", error.code().code());
            body = problem;
        }
        byte[] bytes = jsonMapper.writeValueAsBytes(body);
        headers.setContentLength(bytes.length);
        return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(bytes)));
    }

    static boolean isOpenAiPath(String path) {
        return path.startsWith("/v1/");
    }
}
