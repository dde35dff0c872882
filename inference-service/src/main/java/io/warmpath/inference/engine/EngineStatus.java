package io.warmpath.inference.engine;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The latest view of the engine, from its own /health, /metrics (vLLM gauges) and /v1/models.
 *
 * @param healthy    whether the last /health probe answered 2xx
 * @param running    {@code vllm:num_requests_running}, summed over models
 * @param waiting    {@code vllm:num_requests_waiting}, summed over models
 * @param models     ids the engine serves
 * @param contextLengths each served model's context length ({@code max_model_len} of /v1/models), for the models
 *                   the engine reported one for
 * @param observedAt when the poll finished ({@link Instant#EPOCH} before the first one)
 */
public record EngineStatus(boolean healthy, int running, int waiting, List<String> models,
        Map<String, Integer> contextLengths, Instant observedAt) {

    static final EngineStatus NOT_YET_POLLED = new EngineStatus(false, 0, 0, List.of(), Map.of(), Instant.EPOCH);

    public EngineStatus {
        models = List.copyOf(models);
        contextLengths = Map.copyOf(contextLengths);
    }
}
