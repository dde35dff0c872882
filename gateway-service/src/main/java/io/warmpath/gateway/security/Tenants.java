package io.warmpath.gateway.security;

import java.util.regex.Pattern;

import io.warmpath.contracts.errors.ApiErrorException;
import io.warmpath.contracts.errors.ErrorCode;
import org.jspecify.annotations.Nullable;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** The tenant a request acts for: the {@code tenant} claim of its token. */
public final class Tenants {

    /** The JWT claim naming the tenant; tokens without it are rejected. */
    public static final String CLAIM = "tenant";

    /**
     * 1 to 256 visible ASCII characters: a tenant that keys, labels or logs could misread (a space, CR/LF,
     * non-ASCII) is refused here, with the token, rather than downstream.
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

    /** The caller, from its token; fails with 401 when the request is not authenticated by a token with a tenant. */
    public static Mono<Caller> callerOf(ServerWebExchange exchange) {
        return exchange.getPrincipal()
                .ofType(JwtAuthenticationToken.class)
                .mapNotNull(token -> {
                    String tenant = token.getToken().getClaimAsString(CLAIM);
                    return isValid(tenant) ? Caller.of(token.getToken(), tenant) : null;
                })
                .switchIfEmpty(Mono.error(() -> new ApiErrorException(ErrorCode.INVALID_TOKEN,
                        "The token names no valid tenant.")));
    }
}
