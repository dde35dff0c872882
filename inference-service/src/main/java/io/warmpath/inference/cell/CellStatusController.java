package io.warmpath.inference.cell;

import io.warmpath.contracts.cells.CellStatus;
import io.warmpath.inference.CellProperties;
import io.warmpath.inference.engine.EngineMonitor;
import io.warmpath.inference.engine.EngineStatus;
import io.warmpath.inference.lanes.Lanes;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
class CellStatusController {

    private final CellProperties cell;
    private final EngineMonitor engine;
    private final InFlightRequests inFlight;
    private final Lanes lanes;

    CellStatusController(CellProperties cell, EngineMonitor engine, InFlightRequests inFlight, Lanes lanes) {
        this.lanes = lanes;
        this.cell = cell;
        this.engine = engine;
        this.inFlight = inFlight;
    }

    /** Answers from the latest engine poll; never calls the engine itself. */
    @GetMapping(CellStatus.PATH)
    CellStatus status() {
        EngineStatus status = engine.current();
        return new CellStatus(cell.id(), cell.region(), status.models(), engine.engineReady(), status.running(),
                status.waiting(), inFlight.current(), lanes.queued());
    }
}
