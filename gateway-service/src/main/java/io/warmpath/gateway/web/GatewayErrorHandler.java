package io.warmpath.gateway.web;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;

import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ApiErrorException;
import io.warmpath.contracts.errors.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webflux.error.ErrorWebExceptionHandler;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Turns every failure that reaches the web layer into a clean error response: the gateway's own
 * {@link ApiErrorException}s, unknown routes, oversized bodies, upstreams that cannot be reached (503), that break off
 * a call (502) or that answer too late (504).
 * Runs before Boot's default handler (order -1), so clients never see Boot's error JSON.
 */
@Component
@Order(-2)
class GatewayErrorHandler implements ErrorWebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(GatewayErrorHandler.class);

    /** How soon a client may retry when no cell could take its request. */
    private static final Duration CELL_RETRY_AFTER = Duration.ofSeconds(2);

    private final ErrorResponseWriter writer;

    GatewayErrorHandler(ErrorResponseWriter writer) {
        this.writer = writer;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable failure) {
        if (exchange.getResponse().isCommitted()) {
            // Mid-stream: the status is gone; the connection is closed and the client sees a broken stream.
            return Mono.error(failure);
        }
        return writer.write(exchange, toApiError(failure, exchange));
    }

    private ApiError toApiError(Throwable failure, ServerWebExchange exchange) {
        if (failure instanceof AuthenticationServiceException wrapped && wrapped.getCause() instanceof ApiErrorException) {
            // A credential that could not be checked (an API key while session-service is away): its own answer.
            failure = wrapped.getCause();
        }
        if (failure instanceof ApiErrorException apiError) {
            return apiError.error();
        }
        Upstream upstream = Upstream.of(exchange.getRequest().getPath().value());
        if (causedBy(failure, ConnectException.class)) {
            return ApiError.retryable(upstream.unreachable, upstream.unreachableMessage, CELL_RETRY_AFTER);
        }
        if (causedBy(failure, IOException.class)) {
            // Reached, then the connection broke (closed early, reset): the upstream failed, not the gateway.
            log.warn("{} call broke off: {}", upstream.name, failure.getClass().getSimpleName());
            return ApiError.of(upstream.brokeOff, upstream.brokeOffMessage);
        }
        if (failure instanceof ResponseStatusException statusException) {
            return fromStatus(statusException.getStatusCode(), upstream, exchange);
        }
        log.error("Unhandled failure on {} {}", exchange.getRequest().getMethod(), exchange.getRequest().getPath(),
                failure);
        return internal();
    }

    private static ApiError internal() {
        return ApiError.of(ErrorCode.INTERNAL_ERROR, "The gateway failed to handle the request.");
    }

    private static ApiError fromStatus(HttpStatusCode code, Upstream upstream, ServerWebExchange exchange) {
        HttpStatus status = HttpStatus.resolve(code.value());
        if (status == null) {
            return internal();
        }
        return switch (status) {
            case NOT_FOUND -> ApiError.of(ErrorCode.NOT_FOUND, "Unknown route: " + exchange.getRequest().getMethod()
                    + " " + exchange.getRequest().getPath().value());
            // The gateway's load-balancer filter answers 503 when no instance was returned.
            case SERVICE_UNAVAILABLE -> ApiError.retryable(ErrorCode.NO_HEALTHY_CELL,
                    "No inference cell is available.", CELL_RETRY_AFTER);
            case GATEWAY_TIMEOUT -> ApiError.of(ErrorCode.UPSTREAM_TIMEOUT,
                    "The " + upstream.name + " did not answer in time.");
            default -> status.is4xxClientError()
                    ? ApiError.of(ErrorCode.forStatus(status.value()), status.getReasonPhrase())
                    : internal();
        };
    }

    /** The service a public path is proxied to, and how its failures are reported. */
    private enum Upstream {
        SESSIONS("/v1/sessions", "session service", ErrorCode.SESSION_SERVICE_UNAVAILABLE,
                "The session service could not be reached.", ErrorCode.SESSION_SERVICE_FAILED,
                "The session service broke off the call."),
        KEYS("/v1/keys", "session service", ErrorCode.SESSION_SERVICE_UNAVAILABLE,
                "The session service could not be reached.", ErrorCode.SESSION_SERVICE_FAILED,
                "The session service broke off the call."),
        ARTIFACTS("/v1/artifacts", "artifact service", ErrorCode.ARTIFACT_SERVICE_UNAVAILABLE,
                "The artifact service could not be reached.", ErrorCode.ARTIFACT_SERVICE_FAILED,
                "The artifact service broke off the call."),
        AUDIT("/v1/audit", "artifact service", ErrorCode.ARTIFACT_SERVICE_UNAVAILABLE,
                "The artifact service could not be reached.", ErrorCode.ARTIFACT_SERVICE_FAILED,
                "The artifact service broke off the call."),
        CELL("", "inference cell", ErrorCode.CELL_UNAVAILABLE, "No inference cell could be reached.",
                ErrorCode.CELL_FAILED, "The inference cell broke off the call before answering.");

        private final String pathPrefix;
        private final String name;
        private final ErrorCode unreachable;
        private final String unreachableMessage;
        private final ErrorCode brokeOff;
        private final String brokeOffMessage;

        Upstream(String pathPrefix, String name, ErrorCode unreachable, String unreachableMessage, ErrorCode brokeOff,
                String brokeOffMessage) {
            this.pathPrefix = pathPrefix;
            this.name = name;
            this.unreachable = unreachable;
            this.unreachableMessage = unreachableMessage;
            this.brokeOff = brokeOff;
            this.brokeOffMessage = brokeOffMessage;
        }

        static Upstream of(String path) {
            for (Upstream upstream : values()) {
                if (path.equals(upstream.pathPrefix) || path.startsWith(upstream.pathPrefix + "/")) {
                    return upstream;
                }
            }
            return CELL;
        }
    }

    private static boolean causedBy(Throwable failure, Class<? extends Exception> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
