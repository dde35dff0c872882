package io.warmpath.enginesim.openai;

import io.warmpath.enginesim.ServedModel;
import io.warmpath.enginesim.openai.OpenAiBodies.ModelCard;
import io.warmpath.enginesim.openai.OpenAiBodies.ModelList;
import io.warmpath.enginesim.openai.OpenAiBodies.TokenizeResult;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.util.Map;

/** vLLM's server endpoints besides generation: models, tokenize, health, version. */
@Component
final class ServerInfoHandler {

    private final ServedModel servedModel;
    private final RequestParser parser;
    private final String version;
    private final long startedEpochSeconds = System.currentTimeMillis() / 1000;

    ServerInfoHandler(ServedModel servedModel, RequestParser parser, ObjectProvider<BuildProperties> buildProperties) {
        this.servedModel = servedModel;
        this.parser = parser;
        BuildProperties build = buildProperties.getIfAvailable();
        this.version = "engine-sim " + (build != null ? build.getVersion() : "dev");
    }

    Mono<ServerResponse> models(ServerRequest request) {
        var cards = servedModel.names().stream()
                .map(name -> new ModelCard(name, "model", startedEpochSeconds, "vllm", servedModel.primaryName(), null,
                        servedModel.maxModelLen()))
                .toList();
        return json(new ModelList("list", cards));
    }

    Mono<ServerResponse> tokenize(ServerRequest request) {
        return request.bodyToMono(String.class)
                .defaultIfEmpty("")
                .publishOn(Schedulers.parallel())
                .map(parser::parseTokenize)
                .flatMap(tokens -> json(new TokenizeResult(tokens.length, servedModel.maxModelLen(), tokens)))
                .onErrorResume(OpenAiErrors::toResponse);
    }

    Mono<ServerResponse> health(ServerRequest request) {
        return ServerResponse.ok().build();
    }

    Mono<ServerResponse> version(ServerRequest request) {
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("version", version));
    }

    private static Mono<ServerResponse> json(Object body) {
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(OpenAiJson.write(body));
    }
}
