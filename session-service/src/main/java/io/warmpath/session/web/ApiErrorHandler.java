package io.warmpath.session.web;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

import io.lettuce.core.RedisCommandExecutionException;
import io.warmpath.contracts.WireNames;
import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ApiErrorException;
import io.warmpath.contracts.errors.ErrorBody;
import io.warmpath.contracts.errors.ErrorCode;
import io.warmpath.redaction.Redactor;
import io.warmpath.session.SessionProperties;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.MessageSourceResolvable;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.validation.BindingResult;
import org.springframework.validation.method.MethodValidationResult;
import org.springframework.validation.method.ParameterErrors;
import org.springframework.validation.method.ParameterValidationResult;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns every failure in a handler into OpenAI error JSON: the service's own {@link ApiErrorException}s, unreadable
 * bodies (not JSON, not UTF-8, a value of the wrong type), bodies their records' constraints refuse (a 400 naming
 * the first field at fault), Spring MVC's 4xx (unknown route, wrong method or media type, also when no handler was
 * chosen), and Redis outages, which are a 503 with {@code Retry-After} so that callers fail closed quickly. Only a
 * fault of the service itself is a 500. What fails before Spring MVC answers in the same shape too: see
 * {@link ErrorEndpoint}, {@link ContainerErrorReport} and the security configuration.
 */
@RestControllerAdvice
class ApiErrorHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiErrorHandler.class);
    /** What a field of the API is called on the wire; any other name in a path is not repeated back. */
    private static final Pattern WIRE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    private final SessionProperties properties;

    ApiErrorHandler(SessionProperties properties) {
        this.properties = properties;
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ErrorBody> handle(Exception failure, HttpServletRequest request) {
        ApiError error = toApiError(failure, request);
        // Allow on a 405, Accept on a 415: what the caller needs to correct its call.
        HttpHeaders headers = failure instanceof ErrorResponse springError ? springError.getHeaders()
                : HttpHeaders.EMPTY;
        return render(error, error.status(), headers);
    }

    private ApiError toApiError(Exception failure, HttpServletRequest request) {
        if (failure instanceof ApiErrorException apiError) {
            return apiError.error();
        }
        if (isUndecodableText(failure)) {
            // A body that is not text in its charset (binary sent as a form, say, which Tomcat decodes before Spring
            // sees the content type): what the client sent is wrong, not the service.
            return ApiError.of(ErrorCode.INVALID_JSON, "The request body is not valid UTF-8 JSON.");
        }
        if (failure instanceof HttpMessageNotReadableException unreadable) {
            return unreadable(unreadable);
        }
        if (failure instanceof RequestRejectedException) {
            // The security firewall checks parameter names and values when they are read: here, a form body's.
            return ApiError.of(ErrorCode.INVALID_REQUEST, "The request has a parameter the service does not accept "
                    + "(a control character in its name or value).");
        }
        if (failure instanceof MethodArgumentNotValidException invalid) {
            return invalidBody(invalid.getBindingResult());
        }
        if (failure instanceof HandlerMethodValidationException invalid) {
            return invalidArguments(invalid);
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

    /**
     * A body Jackson could not read. Its message can quote the body, so only the field at fault is named (as on the
     * wire), when there is one: a value of the wrong type, out of its type's range, or a number with a fraction or
     * an exponent where a whole number belongs ({@code 1e400}, {@code 1.5}: refused without converting them).
     */
    private static ApiError unreadable(HttpMessageNotReadableException failure) {
        String field = failure.getCause() instanceof JacksonException jackson && !isSyntaxError(jackson)
                ? fieldOf(jackson) : null;
        if (field == null) {
            return ApiError.of(ErrorCode.INVALID_JSON, "The request body is missing or is not valid JSON of "
                    + "the expected shape (check field types).");
        }
        return new ApiError(ErrorCode.INVALID_JSON, "'" + field + "' has the wrong type or is out of range (whole "
                + "numbers must be written as JSON integers).", field, null);
    }

    /** Broken JSON rather than a value of the wrong type or range (which the parser reports as a coercion). */
    private static boolean isSyntaxError(JacksonException failure) {
        return failure instanceof StreamReadException && !(failure instanceof InputCoercionException);
    }

    /** The path of the value at fault, such as {@code budgets.max_total_tokens} or {@code turns[2].prompt_tokens}. */
    private static @Nullable String fieldOf(JacksonException failure) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference reference : failure.getPath()) {
            String name = reference.getPropertyName();
            if (name != null) {
                if (!WIRE_NAME.matcher(name).matches()) {
                    return null;
                }
                path.append(path.isEmpty() ? "" : ".").append(name);
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? null : path.toString();
    }

    /** Bodies that are not text: bytes that do not decode in the charset, or form data Tomcat could not decode. */
    private static boolean isUndecodableText(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CharacterCodingException || t instanceof InvalidParameterException) {
                return true;
            }
        }
        return false;
    }

    /** A body its record's constraints refuse ({@code @Valid @RequestBody}): the first field at fault. */
    private static ApiError invalidBody(BindingResult body) {
        List<Violation> violations = body.getFieldErrors().stream()
                .map(error -> new Violation(error.getField(), error.getDefaultMessage())).toList();
        return firstViolation(violations, body.getGlobalErrors());
    }

    /**
     * Arguments the handler's own constraints refuse (method validation, used when a parameter carries a constraint):
     * the first field of a body, or the parameter, at fault.
     */
    private static ApiError invalidArguments(MethodValidationResult result) {
        List<Violation> violations = new ArrayList<>();
        List<MessageSourceResolvable> otherProblems = new ArrayList<>(result.getCrossParameterValidationResults());
        for (ParameterValidationResult parameter : result.getParameterValidationResults()) {
            if (parameter instanceof ParameterErrors body) {
                body.getFieldErrors().forEach(error -> violations.add(new Violation(error.getField(),
                        error.getDefaultMessage())));
                otherProblems.addAll(body.getGlobalErrors());
            } else if (parameter.getMethodParameter().getParameterName() instanceof String name) {
                parameter.getResolvableErrors().forEach(error -> violations.add(new Violation(name,
                        error.getDefaultMessage())));
            } else {
                otherProblems.addAll(parameter.getResolvableErrors());
            }
        }
        return firstViolation(violations, otherProblems);
    }

    /**
     * A 400 naming the first field at fault as on the wire (snake_case, {@code budgets.max_cost_usd}); the least path
     * is first, as violations come in no order. Without one, the first problem not tied to a field.
     */
    private static ApiError firstViolation(List<Violation> fields, List<? extends MessageSourceResolvable> others) {
        if (fields.isEmpty()) {
            String problem = others.isEmpty() ? null : others.getFirst().getDefaultMessage();
            return ApiError.of(ErrorCode.INVALID_REQUEST, problem == null ? "The request is not valid." : problem);
        }
        Violation first = fields.stream().min(Comparator.comparing(Violation::field)).orElseThrow();
        return ApiError.invalidField(WireNames.of(first.field()), String.valueOf(first.problem()));
    }

    /** A constraint violation of a field: its path in Java names ({@code budgets.maxCostUsd}) and the problem. */
    private record Violation(String field, @Nullable String problem) {
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
        return render(error, error.status(), HttpHeaders.EMPTY);
    }

    /** The error with {@code status} (which can differ from the code's, for a status no code has) and headers. */
    static ResponseEntity<ErrorBody> render(ApiError error, int status, HttpHeaders headers) {
        ResponseEntity.BodyBuilder response = ResponseEntity.status(status).headers(headers)
                .contentType(MediaType.APPLICATION_JSON);
        if (error.retryAfterSeconds() != null) {
            response.header(HttpHeaders.RETRY_AFTER, error.retryAfterSeconds());
        }
        return response.body(redacted(error).body());
    }

    /**
     * Writes the error straight to a servlet response, for what answers outside Spring MVC (the security firewall,
     * Tomcat itself).
     */
    static void write(HttpServletResponse response, ApiError error, int status, JsonMapper json)
            throws IOException {
        byte[] body = json.writeValueAsBytes(redacted(error).body());
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    // Messages can quote what the client sent (a field value, a path): redacted like a log line.
    private static ApiError redacted(ApiError error) {
        return error.withMessage(Redactor.standard().redact(error.message()));
    }
}
