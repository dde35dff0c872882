package io.warmpath.enginesim.openai;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/** vLLM's OpenAI-compatible HTTP surface. */
@Configuration(proxyBeanMethods = false)
class OpenAiRoutes {

    @Bean
    RouterFunction<ServerResponse> openAiRouter(InferenceHandler inference, ServerInfoHandler info,
            EmbeddingsHandler embeddings) {
        return RouterFunctions.route()
                .POST("/v1/chat/completions", inference::chatCompletions)
                .POST("/v1/completions", inference::completions)
                .POST("/v1/embeddings", embeddings::embeddings)
                .GET("/v1/models", info::models)
                .POST("/tokenize", info::tokenize)
                .GET("/health", info::health)
                .GET("/version", info::version)
                // Anything else under /v1 still answers in the OpenAI error shape.
                .route(RequestPredicates.path("/v1/**"), request -> OpenAiErrors.render(new OpenAiException(
                        HttpStatus.NOT_FOUND, "NotFoundError", "not_found",
                        "No such endpoint: " + request.method() + " " + request.path())))
                .build();
    }
}
