package io.warmpath.gateway.sessions;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.warmpath.gateway.security.Tenants;
import org.jspecify.annotations.Nullable;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Watches the session API this gateway proxies: once session-service has closed a session
 * ({@code DELETE /v1/sessions/{id}}) or rotated its token ({@code POST /v1/sessions/{id}/rotate}), the session leaves
 * this gateway's near cache, so its old token stops resolving here at once. Other gateways learn it when they next
 * refresh the session (see {@link SessionDirectory}).
 */
@Component
class SessionRevocationFilter implements GlobalFilter, Ordered {

    private static final Pattern CLOSE = Pattern.compile("/v1/sessions/([^/]+)");
    private static final Pattern ROTATE = Pattern.compile("/v1/sessions/([^/]+)/rotate");

    private final SessionDirectory sessions;

    SessionRevocationFilter(SessionDirectory sessions) {
        this.sessions = sessions;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 10;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        String sessionId = revokedSession(exchange.getRequest());
        if (sessionId == null) {
            return chain.filter(exchange);
        }
        return Tenants.of(exchange).flatMap(tenant -> chain.filter(exchange).doOnSuccess(done -> {
            HttpStatusCode status = exchange.getResponse().getStatusCode();
            if (status != null && status.is2xxSuccessful()) {
                sessions.forget(tenant, sessionId);
            }
        }));
    }

    /** The session a close or rotate request names, else null. */
    private static @Nullable String revokedSession(ServerHttpRequest request) {
        Pattern revoking = HttpMethod.DELETE.equals(request.getMethod()) ? CLOSE
                : HttpMethod.POST.equals(request.getMethod()) ? ROTATE : null;
        if (revoking == null) {
            return null;
        }
        Matcher matcher = revoking.matcher(request.getPath().value());
        return matcher.matches() ? matcher.group(1) : null;
    }
}
