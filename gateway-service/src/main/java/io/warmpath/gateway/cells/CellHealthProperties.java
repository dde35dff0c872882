package io.warmpath.gateway.cells;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Cell health checking ({@code warmpath.gateway.health.*}).
 *
 * @param probeInterval     how often discovery is re-read and every cell's {@code /cell/status} is polled
 * @param probeTimeout      how long a probe may take before the cell counts as unhealthy
 * @param ejectionCooldown  how long a cell stays out after a refused connection or a 503
 */
@ConfigurationProperties("warmpath.gateway.health")
record CellHealthProperties(
        @DefaultValue("2s") Duration probeInterval,
        @DefaultValue("1s") Duration probeTimeout,
        @DefaultValue("10s") Duration ejectionCooldown) {
}
