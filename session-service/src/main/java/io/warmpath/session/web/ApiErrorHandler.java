package io.warmpath.session.web;

import java.util.Comparator;
import java.util.List;

import io.lettuce.core.RedisCommandExecutionException;
import io.warmpath.contracts.WireNames;
import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ApiErrorException;
import io.warmpath.contracts.errors.ErrorBody;
import io.warmpath.contracts.errors.ErrorCode;
import io.warmpath.redaction.Redactor;
import io.warmpath.session.SessionProperties;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.MethodArgumentNotValidException;
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
    ResponseEntity<ErrorBody> handle(Exception failure, HttpServletRequest request) {
        return render(toApiError(failure, request));
    }

    private ApiError toApiError(Exception failure, HttpServletRequest request) {
        if (failure instanceof ApiErrorException apiError) {
            return apiError.error();
        }
        if (failure instanceof HttpMessageNotReadableException) {
            // Jackson's message can quote the body; say only what is wrong in general. A body that is not UTF-8
            // text lands here too.
            return ApiError.of(ErrorCode.INVALID_JSON, "The request body is missing or is not valid JSON of "
                    + "the expected shape (check field types).");
        }
        if (failure instanceof MethodArgumentNotValidException invalid) {
            return invalidField(invalid.getBindingResult().getFieldErrors(), invalid.getBindingResult()
                    .getGlobalErrors().isEmpty() ? null : invalid.getBindingResult().getGlobalErrors().getFirst()
                    .getDefaultMessage());
        }
        if (failure instanceof MethodArgumentTypeMismatchException mismatch) {
            return ApiError.invalidField(mismatch.getName(), "has the wrong type");
        }
        if (failure instanceof DataAccessException && !isScriptFault(failure)) {
            log.warn("Redis unavailable on {} {}: {}", request.getMethod(), request.getRequestURI(),
                    failure.getMessage());
            return Errors.storeUnavailable(properties.retryAfter());
        }
        if (failure instanceof ErrorResponse springError && springError.getStatusCode().is4xxClientError()) {
            int status = springError.getStatusCode().value();
            return ApiError.of(ErrorCode.forStatus(status), status == HttpStatus.NOT_FOUND.value()
                    ? "Unknown route: " + request.getMethod() + " " + request.getRequestURI()
                    : HttpStatus.valueOf(status).getReasonPhrase());
        }
        log.error("Unhandled failure on {} {}", request.getMethod(), request.getRequestURI(), failure);
        return Errors.internal();
    }

    /** The first field a request record's constraints refuse, named as on the wire (snake_case). */
    private static ApiError invalidField(List<FieldError> fields, @Nullable String recordProblem) {
        if (fields.isEmpty()) {
            return ApiError.of(ErrorCode.INVALID_REQUEST, recordProblem == null ? "The request is not valid."
                    : recordProblem);
        }
        FieldError first = fields.stream().min(Comparator.comparing(FieldError::getField)).orElseThrow();
        return ApiError.invalidField(WireNames.of(first.getField()), String.valueOf(first.getDefaultMessage()));
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

    static ResponseEntity<ErrorBody> render(ApiError error) {
        // Messages can quote what the client sent (a field value, a path): redacted like a log line.
        ApiError redacted = error.withMessage(Redactor.standard().redact(error.message()));
        ResponseEntity.BodyBuilder response = ResponseEntity.status(error.status())
                .contentType(MediaType.APPLICATION_JSON);
        if (error.retryAfterSeconds() != null) {
            response.header(HttpHeaders.RETRY_AFTER, error.retryAfterSeconds());
        }
        return response.body(redacted.body());
    }
}
