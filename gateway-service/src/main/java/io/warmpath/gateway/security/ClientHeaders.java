package io.warmpath.gateway.security;

import java.util.List;

import io.warmpath.contracts.WarmpathHeaders;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * First on every route: removes every {@code x-warmpath-*} header a client sent. Only the gateway speaks with those
 * names, and the services behind it believe nothing it does not also sign into the request's internal assertion.
 */
@Component
class ClientHeaders implements GlobalFilter, Ordered {

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        List<String> supplied = exchange.getRequest().getHeaders().headerNames().stream()
                .filter(WarmpathHeaders::isWarmpathHeader)
                .toList();
        if (supplied.isEmpty()) {
            return chain.filter(exchange);
        }
        return chain.filter(exchange.mutate()
                .request(request -> request.headers(headers -> supplied.forEach(headers::remove)))
                .build());
    }
}
