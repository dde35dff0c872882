package io.warmpath.gateway.security;

import java.util.List;
import java.util.Locale;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The {@code x-warmpath-*} request headers, which cells and session-service trust because only the gateway sets
 * them. First on every route: removes any the client sent, then adds the caller's tenant and subject from its token.
 * Later filters add the session headers.
 */
@Component
public class TrustedHeaders implements GlobalFilter, Ordered {

    public static final String PREFIX = "x-warmpath-";
    public static final String TENANT = PREFIX + "tenant";
    public static final String SUBJECT = PREFIX + "subject";
    public static final String SESSION = PREFIX + "session";
    public static final String PREDICTED_CACHED_TOKENS = PREFIX + "predicted-cached-tokens";
    /** {@code none} for a session without context limits or budgets: its cell has nothing to reserve. */
    public static final String SESSION_LIMITS = PREFIX + "session-limits";

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        return Tenants.callerOf(exchange).flatMap(caller -> chain.filter(exchange.mutate()
                .request(request -> request.headers(headers -> {
                    removeClientSupplied(headers);
                    headers.set(TENANT, caller.tenant());
                    if (caller.subject() != null) {
                        headers.set(SUBJECT, caller.subject());
                    }
                }))
                .build()));
    }

    static void removeClientSupplied(HttpHeaders headers) {
        List<String> supplied = headers.headerNames().stream()
                .filter(name -> name.toLowerCase(Locale.ROOT).startsWith(PREFIX))
                .toList();
        supplied.forEach(headers::remove);
    }
}
