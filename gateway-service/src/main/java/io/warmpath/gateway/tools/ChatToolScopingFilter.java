package io.warmpath.gateway.tools;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.Set;

import io.warmpath.gateway.web.CachedBodies;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.NettyWriteResponseFilter;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Before a chat completion is routed, caches its body and replaces it with {@link ChatToolScoping#scoped} when the
 * token is not scoped for some of its tools. Runs just before the routing filter, which finds the body already cached
 * (the replacement) and computes the routing key on it, so the key matches what the cell receives; a retry to another
 * cell resends the replacement.
 */
@Component
class ChatToolScopingFilter implements GlobalFilter, Ordered {

    static final String CHAT_PATH = "/v1/chat/completions";

    /** Outside the routing filter ({@code WRITE_RESPONSE_FILTER_ORDER - 1}), so it sees the scoped body. */
    static final int ORDER = NettyWriteResponseFilter.WRITE_RESPONSE_FILTER_ORDER - 2;

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        if (!HttpMethod.POST.equals(request.getMethod()) || !CHAT_PATH.equals(request.getPath().value())) {
            return chain.filter(exchange);
        }
        return exchange.getPrincipal()
                .ofType(Authentication.class)
                .map(ToolScopes::toolsOf)
                .defaultIfEmpty(Set.of())
                .flatMap(tools -> ServerWebExchangeUtils.cacheRequestBody(exchange, cachedRequest -> {
                    ServerWebExchange cached = cachedRequest == request ? exchange
                            : exchange.mutate().request(cachedRequest).build();
                    DataBuffer received = exchange.getAttribute(ServerWebExchangeUtils.CACHED_REQUEST_BODY_ATTR);
                    Optional<byte[]> scoped = received == null ? Optional.empty()
                            : ChatToolScoping.scoped(CachedBodies.bytesOf(received), tools);
                    return chain.filter(scoped.map(body -> CachedBodies.withBody(exchange, body)).orElse(cached));
                }));
    }
}
