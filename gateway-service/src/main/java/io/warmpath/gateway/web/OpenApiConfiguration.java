package io.warmpath.gateway.web;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * {@code GET /openapi.yaml}: the gateway's OpenAPI document, without credentials. It is a file of this module
 * ({@value #LOCATION}) that {@code OpenApiDocumentTest} holds to the gateway's real routes, methods and error codes.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    static final String PATH = "/openapi.yaml";
    static final String LOCATION = "openapi/gateway.yaml";
    private static final MediaType YAML = MediaType.parseMediaType("application/yaml");

    @Bean
    RouterFunction<ServerResponse> openApiDocument() {
        ClassPathResource document = new ClassPathResource(LOCATION);
        return RouterFunctions.route()
                .GET(PATH, request -> ServerResponse.ok().contentType(YAML).bodyValue(document))
                .build();
    }
}
