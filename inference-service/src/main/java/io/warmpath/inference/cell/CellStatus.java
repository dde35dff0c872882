package io.warmpath.inference.cell;

import java.util.List;

/**
 * What {@code GET /cell/status} returns; the gateway polls it for health checks and load.
 *
 * @param cellId   this cell's id
 * @param region   this cell's region
 * @param models   models the engine serves
 * @param ready    whether the engine is healthy as of the latest poll
 * @param running  requests the engine is running, as it reports in its vLLM metrics
 * @param waiting  requests queued in the engine, as it reports in its vLLM metrics
 * @param inFlight requests in this cell right now
 */
record CellStatus(String cellId, String region, List<String> models, boolean ready, int running, int waiting,
        int inFlight) {
}
