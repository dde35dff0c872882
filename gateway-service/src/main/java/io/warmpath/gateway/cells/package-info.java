/**
 * The inference cells the gateway can route to: membership from Spring Cloud discovery (static instances locally,
 * Kubernetes endpoints in a cluster), health from active probes of {@code GET /cell/status} and passive ejection
 * after failed calls, and load from the gateway's own in-flight requests plus each cell's reported queue.
 */
@NullMarked
package io.warmpath.gateway.cells;

import org.jspecify.annotations.NullMarked;
