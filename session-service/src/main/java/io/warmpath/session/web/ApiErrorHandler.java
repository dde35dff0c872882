package io.warmpath.session.web;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.lettuce.core.RedisCommandExecutionException;
import jakarta.servlet.http.HttpServletRequest;
import io.warmpath.redaction.Redactor;
import io.warmpath.session.SessionProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * Turns every failure in a handler into OpenAI error JSON: the service's own {@link ApiErrorException}s, unreadable
 * bodies, Spring MVC's 4xx (unknown route, wrong method or media type), and Redis outages, which are a 503 with
 * {@code Retry-After} so that callers fail closed quickly. Only a fault of the service itself is a 500.
 */
@RestControllerAdvice
class ApiErrorHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiErrorHandler.class);

    private final SessionProperties properties;

    ApiErrorHandler(SessionProperties properties) {
        this.properties = properties;
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Map<String, Object>> handle(Exception failure, HttpServletRequest request) {
        return render(toApiError(failure, request));
    }

    private ApiError toApiError(Exception failure, HttpServletRequest request) {
        if (failure instanceof ApiErrorException apiError) {
            return apiError.error();
        }
        if (failure instanceof HttpMessageNotReadableException) {
            // Jackson's message can quote the body; say only what is wrong in general.
            return ApiError.invalidRequest("invalid_json", "The request body is missing or is not valid JSON of "
                    + "the expected shape (check field types).");
        }
        if (failure instanceof MethodArgumentTypeMismatchException mismatch) {
            return ApiError.invalidField(mismatch.getName(), "has the wrong type");
        }
        if (failure instanceof DataAccessException && !isScriptFault(failure)) {
            log.warn("Redis unavailable on {} {}: {}", request.getMethod(), request.getRequestURI(),
                    failure.getMessage());
            return ApiError.storeUnavailable(properties.retryAfter());
        }
        if (failure instanceof ErrorResponse springError && springError.getStatusCode().is4xxClientError()) {
            HttpStatus status = HttpStatus.valueOf(springError.getStatusCode().value());
            return new ApiError(status, "invalid_request_error", status.name().toLowerCase(Locale.ROOT),
                    status == HttpStatus.NOT_FOUND ? "Unknown route: " + request.getMethod() + " "
                            + request.getRequestURI() : status.getReasonPhrase(), null);
        }
        log.error("Unhandled failure on {} {}", request.getMethod(), request.getRequestURI(), failure);
        return ApiError.internal();
    }

    /** Redis answered with an error to a command: a bug in a script, not an outage (unless Redis is busy). */
    private static boolean isScriptFault(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof RedisCommandExecutionException redisError) {
                String message = String.valueOf(redisError.getMessage());
                return !(message.startsWith("LOADING") || message.startsWith("BUSY")
                        || message.startsWith("MASTERDOWN") || message.startsWith("READONLY"));
            }
        }
        return false;
    }

    static ResponseEntity<Map<String, Object>> render(ApiError error) {
        Map<String, Object> body = new LinkedHashMap<>();
        // Messages can quote what the client sent (a field value, a path): redacted like a log line.
        body.put("message", Redactor.standard().redact(error.message()));
        body.put("type", error.type());
        body.put("code", error.code());
        ResponseEntity.BodyBuilder response = ResponseEntity.status(error.status())
                .contentType(MediaType.APPLICATION_JSON);
        if (error.retryAfter() != null) {
            response.header(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, error.retryAfter().toSeconds())));
        }
        return response.body(Map.of("error", body));
    }
}
