package io.warmpath.gateway.routing;

import java.net.ConnectException;
import java.time.Duration;

import io.warmpath.contracts.WarmpathHeaders;
import io.warmpath.gateway.cells.CellIds;
import io.warmpath.gateway.cells.CellLease;
import io.warmpath.gateway.cells.CellRegistry;
import io.warmpath.gateway.cells.EjectionReason;
import org.jspecify.annotations.Nullable;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.ReactiveLoadBalancerClientFilter;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.PrematureCloseException;

/**
 * Runs right after the load balancer chose a cell: counts the request in flight on that cell and ejects the cell
 * when the call shows it is down (connection refused or timed out, closed before any response, or a 503 the cell
 * marks as its engine's; one it marks {@code busy} leaves it in routing). A refused connection then propagates to the route's retry filter, and the next attempt skips
 * this cell. With a {@link RequestDeadline}, each attempt tells its cell what is left of it, and an attempt starting
 * after it is 504 {@code deadline_exceeded} at once.
 */
@Component
class CellCallFilter implements GlobalFilter, Ordered {

    static final int ORDER = ReactiveLoadBalancerClientFilter.LOAD_BALANCER_CLIENT_FILTER_ORDER + 1;

    /** How long past the deadline the gateway waits for the cell's own 504. */
    private static final Duration CELL_ANSWER_GRACE = Duration.ofSeconds(1);

    private final CellRegistry registry;

    CellCallFilter(CellRegistry registry) {
        this.registry = registry;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        Response<ServiceInstance> chosen = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_LOADBALANCER_RESPONSE_ATTR);
        CellAttempts attempts = exchange.getAttribute(CellAttempts.ATTRIBUTE);
        if (chosen == null || chosen.getServer() == null || attempts == null) {
            return chain.filter(exchange);
        }
        String cellId = CellIds.of(chosen.getServer());
        RequestDeadline deadline = exchange.getAttribute(RequestDeadline.ATTRIBUTE);
        if (deadline != null && deadline.passed()) {
            return Mono.error(RequestDeadline.exceeded(
                    "The request's x-request-timeout-ms ran out before a cell could take it on."));
        }
        CellLease lease = attempts.start(cellId, registry);
        return withDeadline(chain.filter(deadline == null ? exchange : toldWhatIsLeft(exchange, deadline)), deadline)
                .doOnSuccess(done -> {
                    HttpStatusCode status = exchange.getResponse().getStatusCode();
                    String mark = status != null && status.value() == HttpStatus.SERVICE_UNAVAILABLE.value()
                            ? exchange.getResponse().getHeaders().getFirst(WarmpathHeaders.UNAVAILABLE)
                            : null;
                    if (mark != null) {
                        // The cell took nothing on: it stops counting this request, which may go on elsewhere.
                        lease.release();
                    }
                    if (WarmpathHeaders.UNAVAILABLE_ENGINE.equals(mark)) {
                        registry.eject(cellId, EjectionReason.UNAVAILABLE);
                    }
                })
                .doOnError(failure -> {
                    // Refused or timed-out connects (Netty's ConnectTimeoutException is a ConnectException too).
                    if (causedBy(failure, ConnectException.class)) {
                        registry.eject(cellId, EjectionReason.CONNECT_FAILURE);
                        // Nothing reached the cell, so this attempt is not in flight there.
                        lease.release();
                    } else if (causedBy(failure, PrematureCloseException.class)) {
                        // Errors reach here only until the response headers are in: a cell that drops a request it
                        // accepted without answering is crashing or overwhelmed. Not retried: the cell may have
                        // started on it.
                        registry.eject(cellId, EjectionReason.PREMATURE_CLOSE);
                    }
                });
    }

    /** The attempt's request, telling its cell what is left of the deadline (the cell tells its engine in turn). */
    private static ServerWebExchange toldWhatIsLeft(ServerWebExchange exchange, RequestDeadline deadline) {
        String left = Long.toString(Math.max(1, deadline.remaining().toMillis()));
        return exchange.mutate().request(request -> request.headers(headers ->
                headers.set(WarmpathHeaders.REQUEST_TIMEOUT_MS, left))).build();
    }

    /**
     * The call, given up when the cell has sent no response headers by the deadline and a grace for its own answer
     * (the cell answers 504 at the deadline itself; one that does not is stuck). A stream's body is the cell's to end.
     */
    private static Mono<Void> withDeadline(Mono<Void> call, @Nullable RequestDeadline deadline) {
        if (deadline == null) {
            return call;
        }
        return call.timeout(deadline.remaining().plus(CELL_ANSWER_GRACE), Mono.error(() -> RequestDeadline.exceeded(
                "The request's x-request-timeout-ms ran out before its cell answered.")));
    }

    static boolean causedBy(Throwable failure, Class<? extends Exception> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
