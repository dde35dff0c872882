package io.warmpath.inference;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import reactor.core.publisher.Mono;

/**
 * Stamps {@code x-warmpath-cell} on every response, so that clients and the gateway can see which cache served a turn.
 * Set just before commit so that it also lands on error responses rendered after a failure.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class CellHeaderFilter implements WebFilter {

    static final String CELL_HEADER = "x-warmpath-cell";

    private final String cellId;

    CellHeaderFilter(CellProperties cell) {
        this.cellId = cell.id();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        var response = exchange.getResponse();
        response.beforeCommit(() -> {
            response.getHeaders().set(CELL_HEADER, cellId);
            return Mono.empty();
        });
        return chain.filter(exchange);
    }
}
