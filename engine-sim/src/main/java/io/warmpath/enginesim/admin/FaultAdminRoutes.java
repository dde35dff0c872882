package io.warmpath.enginesim.admin;

import io.warmpath.enginesim.engine.FaultSettings;
import io.warmpath.enginesim.engine.SimulatedEngine;
import io.warmpath.redaction.Redactor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fault injection admin (not part of vLLM): {@code GET} shows, {@code PUT} replaces and {@code DELETE} clears the
 * engine's {@link FaultSettings}. Bad bodies get RFC 9457 problem details.
 * <p>
 * Off unless {@code engine.admin.enabled=true}: anyone who reaches the engine's port could otherwise fail, stall or
 * cut every request. Tests and the system test stack switch it on.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(FaultAdminRoutes.ENABLED_PROPERTY)
class FaultAdminRoutes {

    static final String ENABLED_PROPERTY = "engine.admin.enabled";

    private static final Logger LOG = LoggerFactory.getLogger(FaultAdminRoutes.class);

    @Bean
    RouterFunction<ServerResponse> faultAdminRouter(SimulatedEngine engine, JsonMapper jsonMapper) {
        return RouterFunctions.route()
                .GET("/admin/faults", request -> current(engine))
                .PUT("/admin/faults", request -> replace(request, engine, jsonMapper))
                .DELETE("/admin/faults", request -> {
                    engine.setFaults(FaultSettings.NONE);
                    LOG.info("faults cleared");
                    return ServerResponse.noContent().build();
                })
                .build();
    }

    private static Mono<ServerResponse> current(SimulatedEngine engine) {
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(engine.faults());
    }

    private static Mono<ServerResponse> replace(ServerRequest request, SimulatedEngine engine, JsonMapper jsonMapper) {
        return request.bodyToMono(String.class)
                .defaultIfEmpty("")
                .flatMap(body -> {
                    FaultSettings settings;
                    try {
                        FaultsDocument document = body.isBlank() ? null : jsonMapper.readValue(body, FaultsDocument.class);
                        if (document == null) {
                            return problem("The body must be a JSON object of fault settings.");
                        }
                        settings = document.toSettings();
                    } catch (JacksonException malformed) {
                        return problem("The body is not a valid fault settings object.");
                    } catch (IllegalArgumentException invalid) {
                        return problem(Redactor.standard().messageOf(invalid));
                    }
                    engine.setFaults(settings);
                    LOG.info("faults set: {}", settings);
                    return current(engine);
                });
    }

    private static Mono<ServerResponse> problem(String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
        problem.setTitle("Invalid fault settings");
        return ServerResponse.badRequest().contentType(MediaType.APPLICATION_PROBLEM_JSON).bodyValue(problem);
    }
}
