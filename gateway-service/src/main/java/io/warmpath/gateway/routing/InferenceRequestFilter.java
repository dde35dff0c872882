package io.warmpath.gateway.routing;

import java.nio.ByteBuffer;

import io.warmpath.gateway.security.Tenants;
import org.jspecify.annotations.Nullable;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.NettyWriteResponseFilter;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Prepares an inference request for the load balancer: caches and reads the body once, validates it, and puts the
 * {@link RoutingTarget} (model and routing key) into the exchange attributes. It also owns the request's
 * {@link CellAttempts}, releasing their in-flight leases when the response is completely written.
 *
 * <p>Ordered outside {@link NettyWriteResponseFilter}, so "completely written" includes the whole of a stream, and
 * outside the route's Retry filter, so a retried request is parsed only once.
 */
@Component
class InferenceRequestFilter implements GlobalFilter, Ordered {

    static final String AFFINITY_HEADER = "x-session-affinity";

    static final int ORDER = NettyWriteResponseFilter.WRITE_RESPONSE_FILTER_ORDER - 1;

    private final InferenceRequestReader reader = new InferenceRequestReader();

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        InferenceEndpoint endpoint = InferenceEndpoint.forPath(exchange.getRequest().getPath().value()).orElse(null);
        if (endpoint == null) {
            return chain.filter(exchange);
        }
        CellAttempts attempts = new CellAttempts();
        exchange.getAttributes().put(CellAttempts.ATTRIBUTE, attempts);
        Mono<Void> routed;
        if (endpoint.hasBody()) {
            routed = Tenants.of(exchange).flatMap(tenant -> routeByBody(exchange, chain, endpoint, tenant));
        } else {
            exchange.getAttributes().put(RoutingTarget.ATTRIBUTE, RoutingTarget.ANY_CELL);
            routed = chain.filter(exchange);
        }
        return routed.doFinally(signal -> attempts.finishAll());
    }

    private Mono<Void> routeByBody(ServerWebExchange exchange, GatewayFilterChain chain, InferenceEndpoint endpoint,
            String tenant) {
        return ServerWebExchangeUtils.cacheRequestBody(exchange, request -> {
            DataBuffer cached = exchange.getAttribute(ServerWebExchangeUtils.CACHED_REQUEST_BODY_ATTR);
            RoutingTarget target = reader.read(endpoint, bytesOf(cached), tenant, affinity(exchange));
            exchange.getAttributes().put(RoutingTarget.ATTRIBUTE, target);
            return chain.filter(request == exchange.getRequest() ? exchange : exchange.mutate().request(request).build());
        });
    }

    /** A copy of the cached body; the buffer's read position is left alone, since it is forwarded afterwards. */
    private static byte[] bytesOf(@Nullable DataBuffer cached) {
        if (cached == null) {
            return new byte[0];
        }
        byte[] bytes = new byte[cached.readableByteCount()];
        cached.toByteBuffer(cached.readPosition(), ByteBuffer.wrap(bytes), 0, bytes.length);
        return bytes;
    }

    private static @Nullable String affinity(ServerWebExchange exchange) {
        String value = exchange.getRequest().getHeaders().getFirst(AFFINITY_HEADER);
        return value == null || value.isBlank() ? null : value.trim();
    }
}
