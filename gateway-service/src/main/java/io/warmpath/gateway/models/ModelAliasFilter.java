package io.warmpath.gateway.models;

import java.util.Set;

import io.warmpath.gateway.web.CachedBodies;
import org.jspecify.annotations.Nullable;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.NettyWriteResponseFilter;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Sends an inference request that names an alias to the alias's model: the body's {@code model} is replaced before
 * anything reads it, so routing, rate limits, policy and the cell see only the model. Runs first among the body
 * filters; without aliases it does nothing at all, and a body it cannot read is left for the routing filter to refuse.
 */
@Component
class ModelAliasFilter implements GlobalFilter, Ordered {

    /** Before tool scoping ({@code - 2}) and routing ({@code - 1}), which read the body it may replace. */
    static final int ORDER = NettyWriteResponseFilter.WRITE_RESPONSE_FILTER_ORDER - 3;
    private static final Set<String> PATHS = Set.of("/v1/chat/completions", "/v1/completions", "/v1/embeddings");
    /** A mapper of its own: the replaced body must not depend on application Jackson settings. */
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ModelProperties properties;

    ModelAliasFilter(ModelProperties properties) {
        this.properties = properties;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        if (properties.aliases().isEmpty() || !HttpMethod.POST.equals(exchange.getRequest().getMethod())
                || !PATHS.contains(exchange.getRequest().getPath().value())) {
            return chain.filter(exchange);
        }
        return ServerWebExchangeUtils.cacheRequestBody(exchange, cachedRequest -> {
            ServerWebExchange cached = cachedRequest == exchange.getRequest() ? exchange
                    : exchange.mutate().request(cachedRequest).build();
            byte[] rewritten = resolved(CachedBodies.cachedBody(exchange));
            return chain.filter(rewritten == null ? cached : CachedBodies.withBody(exchange, rewritten));
        });
    }

    /** The body with its alias replaced by the model; {@code null} when it names no alias (or is not JSON). */
    private byte @Nullable [] resolved(byte[] body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JacksonException notJson) {
            return null;
        }
        if (!(root instanceof ObjectNode object) || !object.path("model").isString()) {
            return null;
        }
        String requested = object.get("model").stringValue();
        String model = properties.resolve(requested);
        if (model.equals(requested)) {
            return null;
        }
        object.put("model", model);
        return JSON.writeValueAsBytes(object);
    }
}
