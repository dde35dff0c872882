package io.warmpath.gateway.routing;

import io.micrometer.core.instrument.MeterRegistry;
import io.warmpath.gateway.cells.CellRegistry;
import io.warmpath.routing.RoutingPolicy;
import org.springframework.context.annotation.Bean;

/**
 * The load-balancer configuration of the {@code inference-cells} client, loaded into its child context by
 * {@link LoadBalancingConfiguration}. Deliberately not a {@code @Configuration}: Spring Cloud LoadBalancer requires
 * client configurations to stay out of component scanning, or they would apply to every client.
 */
class CellLoadBalancerConfiguration {

    @Bean
    CellLoadBalancer cellLoadBalancer(CellRegistry registry, RoutingPolicy policy, MeterRegistry meterRegistry) {
        return new CellLoadBalancer(registry, policy, meterRegistry);
    }
}
