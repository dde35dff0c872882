package io.warmpath.gateway.web;

import java.util.List;
import java.util.Set;

import io.warmpath.contracts.errors.ApiErrorException;
import io.warmpath.contracts.errors.ErrorCode;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The public API's paths and the methods each takes, enforced before anything is forwarded: another method on a known
 * path is 405 {@code method_not_allowed} with {@code Allow} (rather than a 404, which would say the path does not
 * exist, or whatever the service behind makes of it); and a {@code GET} or {@code DELETE} that sends a body has it
 * read and dropped here, not forwarded (only POST and PUT carry bodies). Both keep a client's connection whole: a service behind that answers before
 * it read a request's body would have the gateway close the client's connection with bytes unread, which the client
 * sees as a reset rather than the answer. Runs after security.
 */
@Component
@Order(-60)
class PublicRoutes implements WebFilter {

    private static final List<Route> ROUTES = List.of(
            route("/v1/chat/completions", HttpMethod.POST),
            route("/v1/completions", HttpMethod.POST),
            route("/v1/embeddings", HttpMethod.POST),
            route("/v1/models", HttpMethod.GET),
            // Model names may hold slashes (meta-llama/Llama-3.1-8B-Instruct): the rest of the path is the name.
            route("/v1/models/{*model}", HttpMethod.GET),
            route("/v1/sessions", HttpMethod.POST),
            route("/v1/sessions/{id}", HttpMethod.GET, HttpMethod.DELETE),
            route("/v1/sessions/{id}/rotate", HttpMethod.POST),
            route("/v1/sessions/{id}/usage", HttpMethod.GET),
            route("/v1/keys", HttpMethod.POST, HttpMethod.GET),
            route("/v1/keys/{id}", HttpMethod.DELETE),
            route("/v1/tools/{name}/invoke", HttpMethod.POST),
            route("/v1/artifacts", HttpMethod.PUT, HttpMethod.GET),
            route("/v1/artifacts/{id}", HttpMethod.GET, HttpMethod.HEAD, HttpMethod.DELETE),
            route("/v1/artifacts/{id}/metadata", HttpMethod.GET),
            route("/v1/artifacts/{id}/url", HttpMethod.POST),
            route("/v1/artifacts/{id}/legal-hold", HttpMethod.PUT),
            route("/v1/audit", HttpMethod.GET),
            route("/v1/audit/{id}", HttpMethod.GET));

    private final RequestBodies bodies;

    PublicRoutes(RequestBodies bodies) {
        this.bodies = bodies;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        PathContainer path = request.getPath().pathWithinApplication();
        Route route = ROUTES.stream().filter(candidate -> candidate.pattern().matches(path)).findFirst().orElse(null);
        if (route == null) {
            return chain.filter(exchange);
        }
        if (!route.methods().contains(request.getMethod())) {
            exchange.getResponse().getHeaders().setAllow(route.methods());
            return Mono.error(new ApiErrorException(ErrorCode.METHOD_NOT_ALLOWED, "Use " + route.methods().stream()
                    .map(HttpMethod::name).sorted().toList() + " on " + path.value() + "."));
        }
        if (request.getMethod() == HttpMethod.POST || request.getMethod() == HttpMethod.PUT
                || !RequestBodies.hasBody(request)) {
            return chain.filter(exchange);
        }
        return bodies.drain(request).then(Mono.defer(() -> chain.filter(exchange.mutate()
                .request(withoutBody(request)).build())));
    }

    private static ServerHttpRequest withoutBody(ServerHttpRequest request) {
        HttpHeaders headers = new HttpHeaders();
        headers.putAll(request.getHeaders());
        headers.remove(HttpHeaders.CONTENT_LENGTH);
        headers.remove(HttpHeaders.TRANSFER_ENCODING);
        headers.remove(HttpHeaders.CONTENT_TYPE);
        return new ServerHttpRequestDecorator(request) {
            @Override
            public HttpHeaders getHeaders() {
                return headers;
            }

            @Override
            public Flux<DataBuffer> getBody() {
                return Flux.empty();
            }
        };
    }

    /** Each public path pattern with the methods it takes, as the OpenAPI document must list them. */
    static java.util.Map<String, Set<HttpMethod>> routes() {
        java.util.Map<String, Set<HttpMethod>> routes = new java.util.LinkedHashMap<>();
        // As OpenAPI writes paths: {*model} (the rest of the path) is {model} there.
        ROUTES.forEach(route -> routes.put(route.pattern().getPatternString().replace("{*", "{"), route.methods()));
        return routes;
    }

    private static Route route(String pattern, HttpMethod... methods) {
        return new Route(PathPatternParser.defaultInstance.parse(pattern), Set.of(methods));
    }

    private record Route(PathPattern pattern, Set<HttpMethod> methods) {
    }
}
