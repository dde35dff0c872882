package io.warmpath.gateway.cells;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import org.jspecify.annotations.Nullable;

/**
 * A cell's answer to {@code GET /cell/status} (the inference-service contract).
 *
 * @param cellId   the cell's own id
 * @param region   the cell's region
 * @param models   the models its engine serves
 * @param ready    whether the engine is healthy
 * @param running  requests the engine is running
 * @param waiting  requests queued in the engine
 * @param inFlight requests in the cell right now
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CellStatus(@Nullable String cellId, @Nullable String region, @Nullable List<String> models,
        boolean ready, int running, int waiting, int inFlight) {
}
