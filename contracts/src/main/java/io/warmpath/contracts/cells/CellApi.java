package io.warmpath.contracts.cells;

import java.net.URI;

import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.service.annotation.GetExchange;
import reactor.core.publisher.Mono;

/** What the gateway asks an inference cell outside of client requests. */
public interface CellApi {

    /**
     * The cell's status.
     *
     * @param statusUrl     the cell's base URL resolved against {@link CellStatus#PATH} (a URL argument replaces the
     *                      one an exchange annotation names, so it is the whole URL)
     * @param authorization the gateway's own assertion with the scope {@code cells:status}
     */
    @GetExchange(accept = "application/json")
    Mono<CellStatus> status(URI statusUrl, @RequestHeader(HttpHeaders.AUTHORIZATION) String authorization);
}
