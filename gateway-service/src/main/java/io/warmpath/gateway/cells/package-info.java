/**
 * The inference cells the gateway can route to: membership from Spring Cloud discovery (static instances locally,
 * Kubernetes endpoints in a cluster) or from a cells file that may change at run time
 * ({@code warmpath.gateway.cells-file}, {@link io.warmpath.gateway.cells.CellsFileDiscovery}), health from active probes of {@code GET /cell/status} and passive ejection
 * after failed calls, and load from the gateway's own in-flight requests plus each cell's reported queue.
 */
@NullMarked
package io.warmpath.gateway.cells;

import org.jspecify.annotations.NullMarked;
