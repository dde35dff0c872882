package io.warmpath.gateway.web;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Reading and dropping request bodies the gateway will not forward. A server that answers and closes with a request's
 * bytes still unread makes the client's TCP stack reset the connection: the client sees a dropped connection, not the
 * answer. Drained up to {@code max-request-bytes}, for at most {@link #DRAIN_TIME}.
 */
@Component
class RequestBodies {

    private static final Duration DRAIN_TIME = Duration.ofSeconds(5);

    private final long limit;

    RequestBodies(RequestLimitProperties limits) {
        this.limit = limits.maxRequestBytes().toBytes();
    }

    /** Whether the request says it has a body. */
    static boolean hasBody(ServerHttpRequest request) {
        HttpMethod method = request.getMethod();
        if (method == HttpMethod.HEAD || method == HttpMethod.OPTIONS) {
            return false;
        }
        HttpHeaders headers = request.getHeaders();
        return headers.getContentLength() > 0 || headers.containsHeader(HttpHeaders.TRANSFER_ENCODING);
    }

    /** Reads and drops what is left of the body; nothing when it was read already (it can be read only once). */
    Mono<Void> drain(ServerHttpRequest request) {
        AtomicLong seen = new AtomicLong();
        return request.getBody()
                .doOnNext(buffer -> {
                    long total = seen.addAndGet(buffer.readableByteCount());
                    DataBufferUtils.release(buffer);
                    if (total > limit) {
                        throw new IllegalStateException("body over the limit");
                    }
                })
                .then()
                .timeout(DRAIN_TIME)
                .onErrorComplete();
    }
}
