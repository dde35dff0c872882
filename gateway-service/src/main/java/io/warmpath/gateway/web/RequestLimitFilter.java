package io.warmpath.gateway.web;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ApiErrorException;
import io.warmpath.contracts.errors.ErrorCode;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Refuses oversized requests before anything else reads them: a request target over
 * {@code warmpath.gateway.max-uri-length} (414), headers over {@code max-header-bytes} or {@code max-header-count}
 * (431), and bodies over
 * {@code max-request-bytes} ({@code max-artifact-bytes} for an artifact upload) (413) before they are buffered: at once when {@code Content-Length} says so, otherwise as
 * soon as the bytes read pass the limit (chunked uploads). Runs before Spring Security (order -100), so an oversized
 * upload is refused without reading it.
 */
@Component
@Order(-200)
class RequestLimitFilter implements WebFilter {

    private final long maxBytes;
    private final long maxArtifactBytes;
    private final long maxHeaderBytes;
    private final int maxHeaderCount;
    private final int maxUriLength;

    RequestLimitFilter(RequestLimitProperties properties) {
        this.maxBytes = properties.maxRequestBytes().toBytes();
        this.maxArtifactBytes = properties.maxArtifactBytes().toBytes();
        this.maxHeaderBytes = properties.maxHeaderBytes().toBytes();
        this.maxHeaderCount = properties.maxHeaderCount();
        this.maxUriLength = properties.maxUriLength();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (InvalidRequestTargets.isRewritten(exchange.getRequest().getPath().value())) {
            return Mono.error(new ApiErrorException(InvalidRequestTargets.error()));
        }
        String target = exchange.getRequest().getURI().getRawPath();
        String query = exchange.getRequest().getURI().getRawQuery();
        if (target.length() + (query == null ? 0 : query.length() + 1) > maxUriLength) {
            return Mono.error(new ApiErrorException(ApiError.of(ErrorCode.URI_TOO_LONG,
                    "The request target exceeds the limit of " + maxUriLength + " characters.")));
        }
        HttpHeaders headers = exchange.getRequest().getHeaders();
        if (headerBytes(headers) > maxHeaderBytes) {
            return Mono.error(new ApiErrorException(ApiError.of(ErrorCode.HEADERS_TOO_LARGE,
                    "The request headers exceed the limit of " + maxHeaderBytes + " bytes.")));
        }
        if (headerCount(headers) > maxHeaderCount) {
            return Mono.error(new ApiErrorException(ApiError.of(ErrorCode.HEADERS_TOO_LARGE,
                    "The request carries more than " + maxHeaderCount + " header fields.")));
        }
        long limit = ArtifactUploads.isUpload(exchange.getRequest()) ? maxArtifactBytes : maxBytes;
        long declared = exchange.getRequest().getHeaders().getContentLength();
        if (declared > limit) {
            return Mono.error(new ApiErrorException(tooLarge(limit)));
        }
        ServerHttpRequestDecorator limited = new ServerHttpRequestDecorator(exchange.getRequest()) {
            @Override
            public Flux<DataBuffer> getBody() {
                return Flux.defer(() -> {
                    AtomicLong seen = new AtomicLong();
                    return super.getBody().map(buffer -> {
                        if (seen.addAndGet(buffer.readableByteCount()) > limit) {
                            DataBufferUtils.release(buffer);
                            throw new ApiErrorException(tooLarge(limit));
                        }
                        return buffer;
                    });
                });
            }
        };
        return chain.filter(exchange.mutate().request(limited).build());
    }

    /** Header bytes as sent: each name, value and the four bytes of {@code ": "} and CRLF. */
    private static long headerBytes(HttpHeaders headers) {
        long bytes = 0;
        for (Map.Entry<String, List<String>> header : headers.headerSet()) {
            for (String value : header.getValue()) {
                bytes += header.getKey().length() + value.length() + 4;
            }
        }
        return bytes;
    }

    private static int headerCount(HttpHeaders headers) {
        int count = 0;
        for (Map.Entry<String, List<String>> header : headers.headerSet()) {
            count += header.getValue().size();
        }
        return count;
    }

    private static ApiError tooLarge(long maxBytes) {
        return ApiError.of(ErrorCode.REQUEST_TOO_LARGE, "The request body exceeds the limit of " + maxBytes + " bytes.");
    }
}
