package io.warmpath.gateway.routing;

import io.warmpath.gateway.cells.CellRegistry;
import io.warmpath.routing.RoutingPolicies;
import io.warmpath.routing.RoutingPolicy;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Registers {@link CellLoadBalancer} for the {@code lb://inference-cells} routes. */
@Configuration(proxyBeanMethods = false)
@LoadBalancerClient(name = CellRegistry.SERVICE_ID, configuration = CellLoadBalancerConfiguration.class)
class LoadBalancingConfiguration {

    /** Built here, in the main context, so an unknown policy name fails at startup, not on the first request. */
    @Bean
    RoutingPolicy routingPolicy(RoutingProperties routing) {
        return RoutingPolicies.byName(routing.policy(), routing.stickySettings());
    }
}
