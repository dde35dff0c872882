package io.warmpath.gateway.models;

import io.warmpath.gateway.cells.CellRegistry;
import io.warmpath.gateway.policy.RegionGuard;
import io.warmpath.gateway.sessions.SessionDirectory;
import io.warmpath.gateway.sessions.TenantDirectory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/** {@code /v1/models}, answered by the gateway itself: no cell knows the whole fleet. */
@Configuration(proxyBeanMethods = false)
class ModelsConfiguration {

    @Bean
    RouterFunction<ServerResponse> modelRoutes(CellRegistry cells, RegionGuard regions, TenantDirectory tenants,
            SessionDirectory sessions, ModelProperties properties) {
        ModelsHandler handler = new ModelsHandler(new ModelCatalog(cells, regions, tenants, properties,
                sessions.retryAfter()));
        return RouterFunctions.route(RequestPredicates.GET("/v1/models"), handler::list)
                .andRoute(RequestPredicates.GET("/v1/models/{*model}"), handler::retrieve);
    }
}
