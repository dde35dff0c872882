package io.warmpath.gateway.security;

import io.warmpath.gateway.web.ApiError;
import io.warmpath.gateway.web.ApiErrorException;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** The tenant a request acts for: the {@code tenant} claim of its token. */
public final class Tenants {

    /** The JWT claim naming the tenant; tokens without it are rejected. */
    public static final String CLAIM = "tenant";

    private Tenants() {
    }

    /** The caller's tenant; fails with 401 when the request is not authenticated by a token with a tenant. */
    public static Mono<String> of(ServerWebExchange exchange) {
        return callerOf(exchange).map(Caller::tenant);
    }

    /** The caller's tenant and subject; fails with 401 when the request is not authenticated by a token with a tenant. */
    public static Mono<Caller> callerOf(ServerWebExchange exchange) {
        return exchange.getPrincipal()
                .ofType(JwtAuthenticationToken.class)
                .mapNotNull(token -> {
                    String tenant = token.getToken().getClaimAsString(CLAIM);
                    return tenant == null || tenant.isBlank() ? null : new Caller(tenant, token.getToken().getSubject());
                })
                .switchIfEmpty(Mono.error(() -> new ApiErrorException(new ApiError(HttpStatus.UNAUTHORIZED,
                        "authentication_error", "invalid_token", "The token names no tenant.", null))));
    }
}
