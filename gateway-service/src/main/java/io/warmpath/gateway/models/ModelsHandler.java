package io.warmpath.gateway.models;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ApiErrorException;
import io.warmpath.contracts.errors.ErrorCode;
import io.warmpath.gateway.security.Tenants;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * {@code GET /v1/models} and {@code GET /v1/models/{model}}, answered by the gateway from what it knows of its cells
 * ({@link ModelCatalog}), in OpenAI's shape; an alias's {@code root} is the model it stands for, as vLLM writes a
 * served name's.
 */
final class ModelsHandler {

    static final String OWNER = "warmpath";

    private final ModelCatalog catalog;
    /** Models have no creation time here; the gateway's start stands in, so the answer is stable. */
    private final long created = Instant.now().getEpochSecond();

    ModelsHandler(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    Mono<ServerResponse> list(ServerRequest request) {
        return Tenants.callerOf(request.exchange()).flatMap(catalog::visibleTo)
                .flatMap(models -> ok(Map.of("object", "list", "data", models.entrySet().stream()
                        .map(model -> entry(model.getKey(), model.getValue())).toList())));
    }

    Mono<ServerResponse> retrieve(ServerRequest request) {
        // The rest of the path, which starts with its slash: a model's name may hold more.
        String name = request.pathVariable("model").substring(1);
        return Tenants.callerOf(request.exchange()).flatMap(catalog::visibleTo)
                .flatMap(models -> {
                    String model = models.get(name);
                    if (model == null) {
                        return Mono.error(new ApiErrorException(new ApiError(ErrorCode.MODEL_NOT_FOUND,
                                "The model '" + name + "' does not exist or is not yours to use.", "model", null)));
                    }
                    return ok(entry(name, model));
                });
    }

    private Map<String, Object> entry(String name, String model) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("id", name);
        entry.put("object", "model");
        entry.put("created", created);
        entry.put("owned_by", OWNER);
        entry.put("root", model);
        return entry;
    }

    private static Mono<ServerResponse> ok(Object body) {
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(body);
    }

}
