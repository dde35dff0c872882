package io.warmpath.enginesim.openai;

import io.warmpath.enginesim.engine.InjectedFaultException;
import io.warmpath.enginesim.engine.StreamCutException;
import io.warmpath.redaction.Redactor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

import java.util.LinkedHashMap;
import java.util.Map;

/** Turns failures into OpenAI-shaped error responses. */
final class OpenAiErrors {

    private static final Logger LOG = LoggerFactory.getLogger(OpenAiErrors.class);

    private OpenAiErrors() {
    }

    static Mono<ServerResponse> toResponse(Throwable failure) {
        return switch (failure) {
            case OpenAiException error -> render(error);
            case InjectedFaultException fault -> render(new OpenAiException(HttpStatusCode.valueOf(fault.status()),
                    typeFor(fault.status()), "injected_fault", fault.getMessage()));
            case StreamCutException cut -> render(new OpenAiException(HttpStatus.INTERNAL_SERVER_ERROR,
                    "InternalServerError", "stream_cut", cut.getMessage()));
            case DataBufferLimitException tooLarge -> render(new OpenAiException(HttpStatus.PAYLOAD_TOO_LARGE,
                    "BadRequestError", "request_too_large", "The request body is too large."));
            default -> {
                LOG.error("unexpected failure: {}", failure.getClass().getName(), failure);
                yield render(new OpenAiException(HttpStatus.INTERNAL_SERVER_ERROR, "InternalServerError",
                        "internal_error", "The engine failed unexpectedly."));
            }
        };
    }

    /** Messages can quote the request (an unknown model name), so they are redacted like a log line. */
    static Mono<ServerResponse> render(OpenAiException error) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("message", Redactor.standard().messageOf(error));
        body.put("type", error.type());
        if (error.param() != null) {
            body.put("param", error.param());
        }
        body.put("code", error.code());
        return ServerResponse.status(error.status())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("error", body));
    }

    /** vLLM's error type names by status. */
    private static String typeFor(int status) {
        return switch (status) {
            case 400 -> "BadRequestError";
            case 401 -> "AuthenticationError";
            case 403 -> "PermissionDeniedError";
            case 404 -> "NotFoundError";
            case 429 -> "RateLimitError";
            case 503 -> "ServiceUnavailableError";
            default -> status < 500 ? "BadRequestError" : "InternalServerError";
        };
    }
}
