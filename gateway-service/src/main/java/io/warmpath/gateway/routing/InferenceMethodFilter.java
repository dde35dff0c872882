package io.warmpath.gateway.routing;

import java.util.Set;

import io.warmpath.contracts.errors.ApiErrorException;
import io.warmpath.contracts.errors.ErrorCode;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Answers 405 {@code method_not_allowed} (with {@code Allow}) for an inference path called with another method than
 * its own, such as {@code GET /v1/chat/completions}. The routes' {@code Method} predicates already keep such requests
 * from any cell; without this filter they would end as a 404, which tells a client the path does not exist.
 * A web filter, since no route matches these requests and route filters never see them; it runs after security.
 */
@Component
class InferenceMethodFilter implements WebFilter {

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String path = exchange.getRequest().getPath().value();
        InferenceEndpoint endpoint = InferenceEndpoint.forPath(path).orElse(null);
        if (endpoint == null || endpoint.method().equals(exchange.getRequest().getMethod())) {
            return chain.filter(exchange);
        }
        exchange.getResponse().getHeaders().setAllow(Set.of(endpoint.method()));
        return Mono.error(new ApiErrorException(ErrorCode.METHOD_NOT_ALLOWED,
                "Use " + endpoint.method().name() + " on " + path + "."));
    }
}
