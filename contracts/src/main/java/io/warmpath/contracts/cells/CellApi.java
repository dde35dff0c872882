package io.warmpath.contracts.cells;

import java.net.URI;

import org.springframework.web.service.annotation.GetExchange;
import reactor.core.publisher.Mono;

/** What the gateway asks an inference cell outside of client requests. */
public interface CellApi {

    /** The cell's status; {@code cell} is the cell's base URL. */
    @GetExchange(url = CellStatus.PATH, accept = "application/json")
    Mono<CellStatus> status(URI cell);
}
