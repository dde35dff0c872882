package io.warmpath.gateway.web;

import java.util.concurrent.atomic.AtomicLong;

import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ApiErrorException;
import io.warmpath.contracts.errors.ErrorCode;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Rejects request bodies over {@code warmpath.gateway.max-request-bytes} with 413 before they are buffered: at once
 * when {@code Content-Length} says so, otherwise as soon as the bytes read pass the limit (chunked uploads). Runs
 * before Spring Security (order -100), so an oversized upload is refused without reading it.
 */
@Component
@Order(-200)
class RequestSizeLimitFilter implements WebFilter {

    private final long maxBytes;

    RequestSizeLimitFilter(RequestLimitProperties properties) {
        this.maxBytes = properties.maxRequestBytes().toBytes();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        long declared = exchange.getRequest().getHeaders().getContentLength();
        if (declared > maxBytes) {
            return Mono.error(new ApiErrorException(tooLarge(maxBytes)));
        }
        ServerHttpRequestDecorator limited = new ServerHttpRequestDecorator(exchange.getRequest()) {
            @Override
            public Flux<DataBuffer> getBody() {
                return Flux.defer(() -> {
                    AtomicLong seen = new AtomicLong();
                    return super.getBody().map(buffer -> {
                        if (seen.addAndGet(buffer.readableByteCount()) > maxBytes) {
                            DataBufferUtils.release(buffer);
                            throw new ApiErrorException(tooLarge(maxBytes));
                        }
                        return buffer;
                    });
                });
            }
        };
        return chain.filter(exchange.mutate().request(limited).build());
    }

    private static ApiError tooLarge(long maxBytes) {
        return ApiError.of(ErrorCode.REQUEST_TOO_LARGE, "The request body exceeds the limit of " + maxBytes + " bytes.");
    }
}
