package io.warmpath.gateway.routing;

import java.net.ConnectException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import io.warmpath.contracts.WarmpathHeaders;
import io.warmpath.gateway.cells.CellRegistry;
import io.warmpath.gateway.cells.CellSnapshot;
import io.warmpath.gateway.policy.RegionPermit;
import io.warmpath.routing.StickySettings;
import org.jspecify.annotations.Nullable;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The inference route's {@code CellRetry}: an attempt that failed before its cell started on it is tried again on
 * another cell, at most {@code retries} times, and only while the request's {@link RequestDeadline} leaves room for the
 * time to first token predicted there. Failed before starting means the connection was refused (nothing reached the
 * cell) or the cell answered 503 marked {@link WarmpathHeaders#UNAVAILABLE}: its engine is down or refused the request,
 * or its admission lane is full ({@code busy}). Nothing was generated, but for one case: an exchange with the engine
 * that broke off while the engine also went down, where the engine may have begun (its work is lost with it, and the
 * turn is charged by the attempt that serves it). Nothing is retried once a cell has answered otherwise, so no client ever sees two answers'
 * bytes. Every attempt carries the request's same {@code x-request-id}; a failed attempt's reservation is released
 * with nothing spent, so the turn is charged once, by the attempt that served it.
 *
 * <p>The prediction is {@code sticky}'s for a cold cell: the least loaded other eligible cell of the model, its load
 * at the service time each, then the whole prompt (estimated from the body) at its prefill rate.
 */
@Component
class CellRetryGatewayFilterFactory extends AbstractGatewayFilterFactory<CellRetryGatewayFilterFactory.Config> {

    private final CellRegistry registry;
    private final StickySettings prediction;
    private final MeterRegistry meters;

    CellRetryGatewayFilterFactory(CellRegistry registry, RoutingProperties routing, MeterRegistry meters) {
        super(Config.class);
        this.registry = registry;
        this.prediction = routing.stickySettings();
        this.meters = meters;
    }

    @Override
    public GatewayFilter apply(Config config) {
        return (exchange, chain) -> {
            // The response as it stands before any attempt (rate-limit headers, a model route): what a retry restores.
            HttpHeaders before = new HttpHeaders();
            before.putAll(exchange.getResponse().getHeaders());
            return attempt(exchange, chain, new AtomicInteger(config.getRetries()), before);
        };
    }

    /** One attempt, and what follows it: decided once, when the attempt has failed or been answered. */
    private Mono<Void> attempt(ServerWebExchange exchange, GatewayFilterChain chain, AtomicInteger retriesLeft,
            HttpHeaders before) {
        return chain.filter(exchange)
                .then(Mono.<Throwable>empty())
                .onErrorResume(Mono::just)
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .flatMap(failure -> {
                    String cause = failure.isPresent()
                            ? CellCallFilter.causedBy(failure.get(), ConnectException.class) ? "connect_failure" : null
                            : causeOf(unavailableMark(exchange));
                    if (cause != null && mayRetry(exchange, retriesLeft, cause)) {
                        return retry(exchange, chain, retriesLeft, before);
                    }
                    return failure.<Mono<Void>>map(Mono::error).orElse(Mono.empty());
                });
    }

    private static @Nullable String causeOf(@Nullable String mark) {
        if (mark == null) {
            return null;
        }
        return WarmpathHeaders.UNAVAILABLE_BUSY.equals(mark) ? "cell_busy" : "cell_unavailable";
    }

    private Mono<Void> retry(ServerWebExchange exchange, GatewayFilterChain chain, AtomicInteger retriesLeft,
            HttpHeaders before) {
        // The failed attempt's connection and routing state go; its status and headers with them.
        ServerWebExchangeUtils.reset(exchange);
        exchange.getResponse().setStatusCode(null);
        exchange.getResponse().getHeaders().clear();
        exchange.getResponse().getHeaders().putAll(before);
        return attempt(exchange, chain, retriesLeft, before);
    }

    /** Whether a failed attempt may go to another cell; counts the decision. */
    private boolean mayRetry(ServerWebExchange exchange, AtomicInteger retriesLeft, String cause) {
        String outcome;
        if (exchange.getResponse().isCommitted()) {
            outcome = "committed";
        }
        else if (retriesLeft.get() <= 0) {
            outcome = "exhausted";
        }
        else if (!roomForAnotherCell(exchange)) {
            outcome = "no_time";
        }
        else {
            retriesLeft.decrementAndGet();
            outcome = "retried";
        }
        meters.counter("warmpath.gateway.retries", "cause", cause, "outcome", outcome).increment();
        return outcome.equals("retried");
    }

    private boolean roomForAnotherCell(ServerWebExchange exchange) {
        RequestDeadline deadline = exchange.getAttribute(RequestDeadline.ATTRIBUTE);
        if (deadline == null) {
            return true;
        }
        RoutingTarget target = exchange.getAttributeOrDefault(RoutingTarget.ATTRIBUTE, RoutingTarget.ANY_CELL);
        CellAttempts attempts = exchange.getAttribute(CellAttempts.ATTRIBUTE);
        DataBuffer body = exchange.getAttribute(ServerWebExchangeUtils.CACHED_REQUEST_BODY_ATTR);
        long promptTokens = SessionTurn.estimatePromptTokens(body == null ? 0 : body.readableByteCount());
        double best = Double.POSITIVE_INFINITY;
        for (CellSnapshot cell : registry.snapshot()) {
            boolean candidate = cell.eligible() && (target.model() == null || cell.serves(target.model()))
                    && (attempts == null || !attempts.tried(cell.id()))
                    && RegionPermit.admits(exchange.getAttributes(), cell.instance());
            if (candidate) {
                best = Math.min(best, prediction.predictedTtftMillis(cell.cell(), cell.load(), promptTokens));
            }
        }
        return best < deadline.remaining().toNanos() / 1e6;
    }

    /** The cell's mark on a 503 it answered ({@code engine} or {@code busy}); null for any other answer. */
    private static @Nullable String unavailableMark(ServerWebExchange exchange) {
        HttpStatusCode status = exchange.getResponse().getStatusCode();
        return status != null && status.value() == HttpStatus.SERVICE_UNAVAILABLE.value()
                ? exchange.getResponse().getHeaders().getFirst(WarmpathHeaders.UNAVAILABLE)
                : null;
    }

    /** {@code retries}: how many more cells an attempt that failed before starting may be tried on. */
    public static class Config {

        private int retries = 2;

        public int getRetries() {
            return retries;
        }

        public void setRetries(int retries) {
            this.retries = retries;
        }
    }
}
