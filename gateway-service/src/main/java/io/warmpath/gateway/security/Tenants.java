package io.warmpath.gateway.security;

import java.util.regex.Pattern;

import io.warmpath.gateway.web.ApiError;
import io.warmpath.gateway.web.ApiErrorException;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** The tenant a request acts for: the {@code tenant} claim of its token. */
public final class Tenants {

    /** The JWT claim naming the tenant; tokens without it are rejected. */
    public static final String CLAIM = "tenant";

    /**
     * 1 to 256 visible ASCII characters, as session-service and the cells accept in {@code x-warmpath-tenant}: a
     * tenant they would refuse (a space, CR/LF, non-ASCII) is refused here, with the token, rather than downstream.
     */
    private static final Pattern VALID = Pattern.compile("[\\x21-\\x7e]{1,256}");

    private Tenants() {
    }

    /** Whether a tenant claim has the form every service accepts. */
    static boolean isValid(@Nullable String tenant) {
        return tenant != null && VALID.matcher(tenant).matches();
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
                    return isValid(tenant) ? new Caller(tenant, token.getToken().getSubject()) : null;
                })
                .switchIfEmpty(Mono.error(() -> new ApiErrorException(new ApiError(HttpStatus.UNAUTHORIZED,
                        "authentication_error", "invalid_token", "The token names no valid tenant.", null))));
    }
}
