package io.warmpath.gateway.routing;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Cell routing ({@code warmpath.gateway.routing.*}).
 *
 * @param policy        a routing-core policy name: {@code bounded-load}, {@code consistent-hash} or {@code round-robin}
 * @param balanceFactor how far above the average load {@code bounded-load} lets a cell go before keys spill over
 */
@ConfigurationProperties("warmpath.gateway.routing")
record RoutingProperties(@DefaultValue("bounded-load") String policy, @DefaultValue("1.25") double balanceFactor) {
}
