package io.warmpath.session.web;

import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ErrorBody;
import io.warmpath.contracts.errors.ErrorCode;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The error page the servlet container forwards to when something outside a handler sends an error (a filter, the
 * container reading the body) or throws: OpenAI error JSON with the status it was sent with, in place of Spring
 * Boot's {@code {"timestamp", "status", "error", "path"}}. The security configuration lets these error dispatches
 * through, so they answer with what went wrong rather than a 401.
 */
@RestController
class ErrorEndpoint implements ErrorController {

    private static final Logger log = LoggerFactory.getLogger(ErrorEndpoint.class);

    @RequestMapping("${server.error.path:${error.path:/error}}")
    ResponseEntity<ErrorBody> error(HttpServletRequest request) {
        Object status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        if (!(status instanceof Integer code)) {
            // Called directly rather than as an error dispatch: not a route of the API.
            return ApiErrorHandler.render(ApiError.of(ErrorCode.NOT_FOUND, "Unknown route: " + request.getMethod()
                    + " " + request.getRequestURI()));
        }
        if (code >= 500) {
            Object failure = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
            log.error("Failure outside a handler on {} {}: status {}", request.getMethod(),
                    request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI), code,
                    failure instanceof Throwable thrown ? thrown : null);
            return ApiErrorHandler.render(Errors.internal());
        }
        return ApiErrorHandler.render(clientError(code), code, HttpHeaders.EMPTY);
    }

    /** The error of a 4xx status: its own code when there is one, else {@code invalid_request}. */
    static ApiError clientError(int status) {
        HttpStatus known = HttpStatus.resolve(status);
        return ApiError.of(ErrorCode.forStatus(status), known == null ? "The request is not valid."
                : known.getReasonPhrase() + ".");
    }
}
