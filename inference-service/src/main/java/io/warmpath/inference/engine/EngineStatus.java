package io.warmpath.inference.engine;

import java.time.Instant;
import java.util.List;

/**
 * The latest view of the engine, from its own /health, /metrics (vLLM gauges) and /v1/models.
 *
 * @param healthy    whether the last /health probe answered 2xx
 * @param running    {@code vllm:num_requests_running}, summed over models
 * @param waiting    {@code vllm:num_requests_waiting}, summed over models
 * @param models     ids the engine serves
 * @param observedAt when the poll finished ({@link Instant#EPOCH} before the first one)
 */
public record EngineStatus(boolean healthy, int running, int waiting, List<String> models, Instant observedAt) {

    static final EngineStatus NOT_YET_POLLED = new EngineStatus(false, 0, 0, List.of(), Instant.EPOCH);

    public EngineStatus {
        models = List.copyOf(models);
    }
}
