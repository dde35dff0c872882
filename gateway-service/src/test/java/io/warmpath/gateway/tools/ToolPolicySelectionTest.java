package io.warmpath.gateway.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.warmpath.policy.client.PolicyClient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.http.HttpMethod;
import tools.jackson.databind.json.JsonMapper;

class ToolPolicySelectionTest {

    private static final Tool TOOL = new Tool("weather", URI.create("https://tools.example.com"), HttpMethod.POST,
            ToolInputSchema.compile("weather", JsonMapper.builder().build().readTree("{}")), DataClass.INTERNAL,
            Duration.ofSeconds(1), 1024);
    private static final ToolCaller CALLER = new ToolCaller("agent-1", "acme", List.of(), null, null);

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
