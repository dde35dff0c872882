package io.warmpath.gateway.tools;

import io.micrometer.core.instrument.MeterRegistry;
import io.warmpath.gateway.sessions.SessionDirectory;
import io.warmpath.gateway.sessions.TenantDirectory;
import io.warmpath.policy.client.PolicyClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** The tool route, its registry, policy check and egress guard. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ToolProperties.class, EgressProperties.class})
class ToolsConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ToolsConfiguration.class);

    @Bean
    ToolRegistry toolRegistry(ToolProperties properties, JsonMapper json) {
        return new ToolRegistry(properties, json);
    }

    @Bean
    EgressGuard egressGuard(EgressProperties egress, ObjectProvider<HostResolver> resolver) {
        return new EgressGuard(egress.allow(), resolver.getIfAvailable(() -> HostResolver.SYSTEM));
    }

    /**
     * policy-service through the gateway's {@link PolicyClient} when there is one. Without one every call is denied
     * ("no policy service configured"), unless {@code warmpath.gateway.tools.policy-check=false}.
     */
    @Bean
    ToolPolicy toolPolicy(ToolProperties properties, ObjectProvider<PolicyClient> policyClient) {
        if (!properties.policyCheck()) {
            log.warn("warmpath.gateway.tools.policy-check=false: tool calls are not checked against policy");
            return (caller, tool, dataClass) -> Mono.just(ToolPolicy.Verdict.allow("policy check disabled"));
        }
        PolicyClient client = policyClient.getIfUnique();
        if (client == null) {
            return (caller, tool, dataClass) -> Mono.just(ToolPolicy.Verdict.deny("no policy service configured"));
        }
        return new PolicyServiceToolPolicy(client);
    }

    @Bean
    RouterFunction<ServerResponse> toolRoutes(ToolRegistry registry, ToolPolicy policy, EgressGuard guard,
            EgressProperties egress, SessionDirectory sessions, TenantDirectory tenants, JsonMapper json,
            MeterRegistry meters) {
        ToolInvocationHandler handler = new ToolInvocationHandler(registry, policy, guard,
                new ToolClient(egress.connectTimeout()), new CallData(sessions, tenants), json, meters);
        return RouterFunctions.route(RequestPredicates.POST(ToolScopes.INVOKE_PATH), handler::invoke);
    }
}
