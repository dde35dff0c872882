package io.warmpath.contracts.cells;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * What {@code GET /cell/status} returns; the gateway polls it for health and load.
 *
 * @param cellId   the cell's own id
 * @param region   the cell's region
 * @param models   the models its engine serves
 * @param ready    whether the engine is healthy as of the cell's latest poll
 * @param running  requests the engine is running, as it reports in its vLLM metrics
 * @param waiting  requests queued in the engine, as it reports in its vLLM metrics
 * @param inFlight requests in the cell right now
 * @param queued   requests waiting in the cell's admission lanes (part of {@code inFlight}); null from a cell without
 *                 lanes
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record CellStatus(@Nullable String cellId, @Nullable String region, @Nullable List<String> models,
        boolean ready, int running, int waiting, int inFlight, @Nullable Integer queued) {

    /** The path cells serve it on. */
    public static final String PATH = "/cell/status";

    /** A status without lane queues (a cell that has none, or predates them). */
    public CellStatus(@Nullable String cellId, @Nullable String region, @Nullable List<String> models, boolean ready,
            int running, int waiting, int inFlight) {
        this(cellId, region, models, ready, running, waiting, inFlight, null);
    }
}
