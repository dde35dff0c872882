package io.warmpath.gateway.security;

import java.util.function.Function;

import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ErrorCode;
import io.warmpath.gateway.web.ErrorResponseWriter;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.server.resource.web.access.server.BearerTokenServerAccessDeniedHandler;
import org.springframework.security.oauth2.server.resource.web.server.BearerTokenServerAuthenticationEntryPoint;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * 401 and 403 with a body: Spring Security's bearer-token handlers set the status and the RFC 6750
 * {@code WWW-Authenticate} header as usual, and where they would complete an empty response this writes OpenAI error
 * JSON (or problem details off {@code /v1/}) instead.
 */
final class BearerErrorResponses implements ServerAuthenticationEntryPoint, ServerAccessDeniedHandler {

    private final BearerTokenServerAuthenticationEntryPoint entryPoint = new BearerTokenServerAuthenticationEntryPoint();
    private final BearerTokenServerAccessDeniedHandler accessDeniedHandler = new BearerTokenServerAccessDeniedHandler();
    private final ErrorResponseWriter writer;

    BearerErrorResponses(ErrorResponseWriter writer) {
        this.writer = writer;
    }

    @Override
    public Mono<Void> commence(ServerWebExchange exchange, AuthenticationException failure) {
        OAuth2Error oauthError = failure instanceof OAuth2AuthenticationException oauth ? oauth.getError() : null;
        String message = oauthError != null && oauthError.getDescription() != null ? oauthError.getDescription()
                : "A valid bearer token is required.";
        return entryPoint.commence(withBody(exchange, status -> switch (status) {
            case BAD_REQUEST -> ApiError.of(ErrorCode.INVALID_REQUEST, message);
            case FORBIDDEN -> insufficientScope();
            default -> ApiError.of(ErrorCode.INVALID_TOKEN, message);
        }), failure);
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, AccessDeniedException denied) {
        return accessDeniedHandler.handle(withBody(exchange, status -> insufficientScope()), denied);
    }

    private static ApiError insufficientScope() {
        return ApiError.of(ErrorCode.INSUFFICIENT_SCOPE, "The token lacks the scope this route requires.");
    }

    /** The exchange, with a response whose {@code setComplete()} writes the error body for the status just set. */
    private ServerWebExchange withBody(ServerWebExchange exchange, Function<HttpStatus, ApiError> errorForStatus) {
        ServerHttpResponse response = new ServerHttpResponseDecorator(exchange.getResponse()) {
            @Override
            public Mono<Void> setComplete() {
                HttpStatus status = getStatusCode() == null ? HttpStatus.UNAUTHORIZED
                        : HttpStatus.valueOf(getStatusCode().value());
                return writer.write(exchange, getDelegate(), errorForStatus.apply(status));
            }
        };
        return exchange.mutate().response(response).build();
    }
}
