package io.warmpath.gateway.tools;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import io.warmpath.contracts.DataClass;
import io.warmpath.gateway.security.Caller;
import io.warmpath.policy.client.PolicyClient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.http.HttpMethod;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class ToolPolicySelectionTest {

    private static final Tool TOOL = new Tool("weather", URI.create("https://tools.example.com"), HttpMethod.POST,
            ToolInputSchema.compile("weather", JsonMapper.builder().build().readTree("{}")), DataClass.INTERNAL,
            Duration.ofSeconds(1), 1024, false);
    private static final Caller CALLER = Caller.of("acme", "agent-1");

    @Test
    void withoutAPolicyServiceEveryCallIsDenied() {
        ToolPolicy.Verdict verdict = policy(true).decide(CALLER, TOOL, DataClass.PUBLIC).block();

        assertThat(verdict).isEqualTo(ToolPolicy.Verdict.deny("no policy service configured"));
    }

    @Test
    void disablingThePolicyCheckAllowsCalls() {
        assertThat(policy(false).decide(CALLER, TOOL, DataClass.INTERNAL).block().allowed()).isTrue();
    }

    private static ToolPolicy policy(boolean policyCheck) {
        return new ToolsConfiguration().toolPolicy(new ToolProperties(Map.of(), policyCheck),
                new StaticListableBeanFactory().getBeanProvider(PolicyClient.class));
    }
}
