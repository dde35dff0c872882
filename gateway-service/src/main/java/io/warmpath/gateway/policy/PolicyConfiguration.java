package io.warmpath.gateway.policy;

import io.micrometer.core.instrument.MeterRegistry;
import io.warmpath.gateway.assertions.GatewayAssertions;
import io.warmpath.gateway.cells.CellRegistry;
import io.warmpath.policy.client.PolicyClient;
import io.warmpath.policy.client.PolicyClientSettings;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class PolicyConfiguration {

    /** The gateway's one client of policy-service (region checks here, tool calls in the tools package). */
    @Bean
    @ConditionalOnProperty(name = "warmpath.gateway.policy.enabled", havingValue = "true", matchIfMissing = true)
    PolicyClient policyClient(GatewayPolicyProperties properties, GatewayAssertions assertions,
            MeterRegistry meters) {
        return PolicyClient.create(new PolicyClientSettings(properties.url(), properties.deadline(),
                properties.allowTtl(), properties.cacheSize()), meters, assertions.forPolicy());
    }

    @Bean
    RegionGuard regionGuard(ObjectProvider<PolicyClient> policies, CellRegistry cells,
            GatewayPolicyProperties properties, MeterRegistry meters) {
        return new RegionGuard(properties.enabled() ? policies.getIfAvailable() : null, cells, properties, meters);
    }
}
