package io.warmpath.artifacts.web;

import java.io.UncheckedIOException;

import io.warmpath.artifacts.artifacts.ArtifactProperties;
import io.warmpath.artifacts.artifacts.RangeNotSatisfiableException;
import io.warmpath.artifacts.store.ContentRejectedException;
import io.warmpath.artifacts.store.StoreUnavailableException;
import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ApiErrorException;
import io.warmpath.contracts.errors.ErrorBody;
import io.warmpath.contracts.errors.ErrorCode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * Every failure as OpenAI error JSON: the API's own refusals, bad parameters and bodies, an upload the store refused
 * (413, or 400 for the wrong bytes), a store or policy-service that cannot answer (503 with {@code Retry-After}), and
 * Spring MVC's 4xx. Only a fault of the service itself is a 500.
 */
@RestControllerAdvice
class ApiErrorHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiErrorHandler.class);

    private final ArtifactProperties properties;

    ApiErrorHandler(ArtifactProperties properties) {
        this.properties = properties;
    }

    @ExceptionHandler(Exception.class)
    @Nullable ResponseEntity<ErrorBody> handle(Exception failure, HttpServletRequest request,
            HttpServletResponse response) {
        if (response.isCommitted()) {
            // Mid-download: the status is sent; nothing more can be said on this connection.
            log.debug("{} {} failed after its response began: {}", request.getMethod(), request.getRequestURI(),
                    failure.getMessage());
            return null;
        }
        ApiError error = toApiError(failure, request);
        HttpHeaders headers = new HttpHeaders();
        if (failure instanceof ErrorResponse springError) {
            headers.addAll(springError.getHeaders());
        }
        if (failure instanceof RangeNotSatisfiableException unsatisfiable) {
            headers.set(HttpHeaders.CONTENT_RANGE, "bytes */" + unsatisfiable.size());
        }
        if (error.retryAfterSeconds() != null) {
            headers.set(HttpHeaders.RETRY_AFTER, error.retryAfterSeconds());
        }
        return ResponseEntity.status(error.status()).headers(headers).body(error.body());
    }

    private ApiError toApiError(Exception failure, HttpServletRequest request) {
        return switch (failure) {
            case ApiErrorException apiError -> apiError.error();
            case RangeNotSatisfiableException unsatisfiable -> ApiError.of(ErrorCode.RANGE_NOT_SATISFIABLE,
                    "The range starts past the end of the artifact (" + unsatisfiable.size() + " bytes).");
            case ContentRejectedException rejected -> rejected.reason() == ContentRejectedException.Reason.TOO_LARGE
                    ? ApiError.of(ErrorCode.REQUEST_TOO_LARGE, "The artifact is larger than this tenant may store.")
                    : ApiError.of(ErrorCode.CONTENT_HASH_MISMATCH, "The body's SHA-256 is not the one announced in "
                            + "'sha256'; nothing was stored.");
            case StoreUnavailableException unavailable -> {
                log.warn("Artifact store unavailable on {} {}: {} ({})", request.getMethod(), request.getRequestURI(),
                        unavailable.getMessage(), unavailable.getCause() == null ? "no cause"
                                : unavailable.getCause().getMessage());
                yield ApiError.retryable(ErrorCode.ARTIFACT_STORE_UNAVAILABLE,
                        "The artifact store is unavailable; nothing was stored. Retry later.", properties.retryAfter());
            }
            case UncheckedIOException readFailed -> ApiError.of(ErrorCode.INVALID_REQUEST,
                    "The request body could not be read to its end; nothing was stored.");
            case MissingServletRequestParameterException missing -> new ApiError(
                    ErrorCode.MISSING_REQUIRED_PARAMETER, "'" + missing.getParameterName() + "' is required.",
                    missing.getParameterName(), null);
            case MethodArgumentTypeMismatchException mismatch ->
                    ApiError.invalidField(mismatch.getName(), "has the wrong type");
            case HttpMessageNotReadableException unreadable -> ApiError.of(ErrorCode.INVALID_JSON,
                    "The request body is not valid JSON of the expected shape.");
            case ErrorResponse springError when springError.getStatusCode().is4xxClientError() -> {
                int status = springError.getStatusCode().value();
                yield ApiError.of(ErrorCode.forStatus(status), status == HttpStatus.NOT_FOUND.value()
                        ? "Unknown route: " + request.getMethod() + " " + request.getRequestURI()
                        : HttpStatus.valueOf(status).getReasonPhrase());
            }
            default -> {
                log.error("Unhandled failure on {} {}", request.getMethod(), request.getRequestURI(), failure);
                yield ApiError.of(ErrorCode.INTERNAL_ERROR, "The artifact service failed; nothing was changed.");
            }
        };
    }
}
