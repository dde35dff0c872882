package io.warmpath.inference;

import io.warmpath.contracts.WarmpathHeaders;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Stamps {@link WarmpathHeaders#CELL} on every response, so that clients and the gateway can see which cache served a turn.
 * Set just before commit so that it also lands on error responses rendered after a failure.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class CellHeaderFilter implements WebFilter {

    private final String cellId;

    CellHeaderFilter(CellProperties cell) {
        this.cellId = cell.id();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        var response = exchange.getResponse();
        response.beforeCommit(() -> {
            response.getHeaders().set(WarmpathHeaders.CELL, cellId);
            return Mono.empty();
        });
        return chain.filter(exchange);
    }
}
