package io.warmpath.gateway.web;

import java.nio.ByteBuffer;

import org.jspecify.annotations.Nullable;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Request bodies the gateway caches ({@link ServerWebExchangeUtils#cacheRequestBody}) to read, and replaces where it
 * changes them (a scoped tool list, an alias's model).
 */
public final class CachedBodies {

    private CachedBodies() {
    }

    /** A copy of a cached body; its read position is left alone, since it is forwarded afterwards. */
    public static byte[] bytesOf(@Nullable DataBuffer cached) {
        if (cached == null) {
            return new byte[0];
        }
        byte[] bytes = new byte[cached.readableByteCount()];
        cached.toByteBuffer(cached.readPosition(), ByteBuffer.wrap(bytes), 0, bytes.length);
        return bytes;
    }

    /** The whole of a request's body, read into one array (empty when it has none). */
    public static Mono<byte[]> read(ServerHttpRequest request) {
        return DataBufferUtils.join(request.getBody())
                .map(buffer -> {
                    byte[] bytes = new byte[buffer.readableByteCount()];
                    buffer.read(bytes);
                    DataBufferUtils.release(buffer);
                    return bytes;
                })
                .defaultIfEmpty(new byte[0]);
    }

    /** The exchange's cached body, copied; empty when none was cached. */
    public static byte[] cachedBody(ServerWebExchange exchange) {
        return bytesOf(exchange.getAttribute(ServerWebExchangeUtils.CACHED_REQUEST_BODY_ATTR));
    }

    /** The exchange with {@code body} as its request body, cached as such for the filters after the caller. */
    public static ServerWebExchange withBody(ServerWebExchange exchange, byte[] body) {
        // Releases the received (pooled) buffer; the replacement is a plain heap buffer.
        ServerWebExchangeUtils.clearCachedRequestBody(exchange);
        exchange.getAttributes().put(ServerWebExchangeUtils.CACHED_REQUEST_BODY_ATTR,
                DefaultDataBufferFactory.sharedInstance.wrap(body));
        ServerHttpRequest resized = exchange.getRequest().mutate()
                .headers(headers -> {
                    headers.remove(HttpHeaders.TRANSFER_ENCODING);
                    headers.setContentLength(body.length);
                })
                .build();
        ServerHttpRequest replaced = new ServerHttpRequestDecorator(resized) {
            @Override
            public Flux<DataBuffer> getBody() {
                // A fresh buffer per subscription: a retried attempt sends the body again.
                return Flux.defer(() -> Flux.just(exchange.getResponse().bufferFactory().wrap(body)));
            }
        };
        return exchange.mutate().request(replaced).build();
    }
}
