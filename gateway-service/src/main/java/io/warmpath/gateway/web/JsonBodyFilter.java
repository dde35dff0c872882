package io.warmpath.gateway.web;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ApiErrorException;
import io.warmpath.contracts.errors.ErrorCode;
import org.jspecify.annotations.Nullable;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Every body the public API takes is UTF-8 JSON, but an artifact upload's (its bytes, of any type): a request under {@code /v1/} that sends a body of another declared
 * type or charset gets 415 here, in OpenAI error JSON, rather than whatever the service behind would make of it. A
 * body without a {@code Content-Type} is taken as JSON and forwarded as such. Runs after Spring Security, so an
 * unauthenticated client learns nothing but 401.
 */
@Component
@Order(-50)
class JsonBodyFilter implements WebFilter {

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        if (!ErrorResponseWriter.isOpenAiPath(request.getPath().value()) || !RequestBodies.hasBody(request)
                || ArtifactUploads.isUpload(request)) {
            return chain.filter(exchange);
        }
        String declared = request.getHeaders().getFirst(HttpHeaders.CONTENT_TYPE);
        if (declared == null) {
            return chain.filter(exchange.mutate()
                    .request(r -> r.headers(headers -> headers.setContentType(MediaType.APPLICATION_JSON)))
                    .build());
        }
        MediaType type = parse(declared);
        if (type == null || !isJson(type)) {
            return Mono.error(new ApiErrorException(ApiError.of(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "The body must be JSON, sent with Content-Type: application/json.")));
        }
        Charset charset = charsetOf(type);
        if (charset == null || !charset.equals(StandardCharsets.UTF_8)) {
            return Mono.error(new ApiErrorException(ApiError.of(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "The body must be UTF-8 JSON.")));
        }
        return chain.filter(exchange);
    }

    private static boolean isJson(MediaType type) {
        return !type.isWildcardType() && !type.isWildcardSubtype() && (type.isCompatibleWith(MediaType.APPLICATION_JSON)
                || type.getType().equals("application") && type.getSubtype().endsWith("+json"));
    }

    /** UTF-8 when no charset is named (JSON's default); null for a charset that is unknown or malformed. */
    private static @Nullable Charset charsetOf(MediaType type) {
        try {
            Charset charset = type.getCharset();
            return charset == null ? StandardCharsets.UTF_8 : charset;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static @Nullable MediaType parse(String value) {
        try {
            return MediaType.parseMediaType(value);
        } catch (InvalidMediaTypeException e) {
            return null;
        }
    }
}
