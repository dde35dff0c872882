package io.warmpath.enginesim.metrics;

import io.warmpath.enginesim.ServedModel;
import io.warmpath.enginesim.engine.SimulatedEngine;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/** {@code GET /metrics}: vLLM's Prometheus metrics, written by hand (no Micrometer naming rules in the way). */
@Configuration(proxyBeanMethods = false)
class MetricsRoutes {

    private static final MediaType PROMETHEUS_TEXT = MediaType.parseMediaType("text/plain;version=0.0.4;charset=utf-8");

    @Bean
    RouterFunction<ServerResponse> metricsRouter(SimulatedEngine engine, ServedModel servedModel) {
        return RouterFunctions.route()
                .GET("/metrics", request -> ServerResponse.ok()
                        .contentType(PROMETHEUS_TEXT)
                        .bodyValue(PrometheusExposition.render(servedModel.primaryName(), engine.config(),
                                engine.metrics())))
                .build();
    }
}
