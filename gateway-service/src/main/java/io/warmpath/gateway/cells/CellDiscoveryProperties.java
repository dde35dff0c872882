package io.warmpath.gateway.cells;

import java.time.Duration;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the cells come from ({@code warmpath.gateway.*}); without either setting, Spring Cloud discovery (the simple
 * instances list).
 *
 * @param cellsFile a JSON or YAML file listing the cells (see {@link CellsFileDiscovery}); edits to it take effect on
 *                  the next probe
 * @param cellsDns  the SRV records of a headless service (see {@link CellsDnsDiscovery}), as the Helm chart sets it
 */
@ConfigurationProperties("warmpath.gateway")
record CellDiscoveryProperties(@Nullable String cellsFile, @Nullable CellsDns cellsDns) {

    /**
     * @param service  the headless service's name, fully qualified ({@code warmpath-cell.agents.svc.cluster.local})
     * @param portName the service's port name; the records asked for are {@code _<portName>._tcp.<service>}
     * @param server   a DNS server as {@code dns://host:port}; none: the system's resolvers
     * @param timeout  how long one DNS query may take before it is retried (twice)
     * @param metadata discovery metadata of every cell found ({@code model}, {@code region}, ...)
     */
    record CellsDns(String service, @DefaultValue("http") String portName, @Nullable String server,
            @DefaultValue("1s") Duration timeout, @DefaultValue Map<String, String> metadata) {
    }
}
