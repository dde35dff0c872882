package io.warmpath.session;

import java.math.BigDecimal;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/** The operator's numbers are checked when they are bound: a wrong one stops the start, naming its property. */
class SessionPropertiesTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withUserConfiguration(PropertiesOnly.class);

    @Test
    void tenantDefaultsOutOfRangeStopTheStartNamingTheProperty() {
        String acme = "warmpath.session.tenant-defaults.acme.";
        refused("tenantDefaults[acme].maxCostUsd", acme + "max-cost-usd=1e-300000000");
        refused("tenantDefaults[acme].maxCostUsd", acme + "max-cost-usd=1E+300000000");
        refused("tenantDefaults[acme].maxCostUsd", acme + "max-cost-usd=9e999999");
        refused("tenantDefaults[acme].maxCostUsd", acme + "max-cost-usd=0.0000000001");
        refused("tenantDefaults[acme].maxCostUsd", acme + "max-cost-usd=0");
        refused("tenantDefaults[acme].maxCostUsd", acme + "max-cost-usd=2000000");
        refused("tenantDefaults[acme].maxTotalTokens", acme + "max-total-tokens=0");
        refused("tenantDefaults[acme].maxTotalTokens", acme + "max-total-tokens=10000000000000000");
        refused("tenantDefaults[acme].maxContextTokens", acme + "max-context-tokens=-1");
        refused("tenantDefaults[acme].maxGrowthTokensPerTurn", acme + "max-growth-tokens-per-turn=0");
        refused("tenantDefaults[acme].dataClass", acme + "data-class=secret");
        refused("tenantDefaults[acme].ttl", acme + "ttl=0s");
        refused("tenantDefaults[acme].ttl", acme + "ttl=30d");
    }

    @Test
    void pricesOutOfRangeOrMissingStopTheStartNamingTheProperty() {
        String kimi = "warmpath.session.prices.[kimi-k2.5].";
        refused("prices[kimi-k2.5].output", kimi + "output=1e-300000000", kimi + "input=1", kimi + "cached-input=1");
        refused("prices[kimi-k2.5].input", kimi + "input=-0.5", kimi + "cached-input=1", kimi + "output=1");
        refused("prices[kimi-k2.5].input", kimi + "input=5000", kimi + "cached-input=1", kimi + "output=1");
        refused("prices[kimi-k2.5].cachedInput", kimi + "input=1", kimi + "output=1");
    }

    @Test
    void durationsOutOfRangeStopTheStartNamingTheProperty() {
        refused("defaultTtl", "warmpath.session.default-ttl=0s");
        refused("reservationTtl", "warmpath.session.reservation-ttl=-1m");
    }

    @Test
    void aShareOfConcurrentRequestsBelowOneStopsTheStart() {
        refused("maxConcurrentRequestsPerTenant", "warmpath.session.max-concurrent-requests-per-tenant=0");
    }

    @Test
    void validSettingsBindWithTheDataClassInItsWireForm() {
        runner.withPropertyValues("warmpath.session.tenant-defaults.acme.data-class=Confidential",
                "warmpath.session.tenant-defaults.acme.max-cost-usd=999999.999999999",
                "warmpath.session.tenant-defaults.acme.max-total-tokens=1000000000000000",
                "warmpath.session.tenant-defaults.acme.ttl=7d",
                "warmpath.session.prices.[m.1].input=0.0705",
                "warmpath.session.prices.[m.1].cached-input=0",
                "warmpath.session.prices.[m.1].output=1000").run(context -> {
                    assertThat(context).hasNotFailed();
                    SessionProperties properties = context.getBean(SessionProperties.class);
                    assertThat(properties.defaultsFor("acme").dataClass()).isEqualTo("confidential");
                    assertThat(properties.defaultsFor("acme").ttl()).isEqualTo(Duration.ofDays(7));
                    assertThat(properties.prices().get("m.1").input()).isEqualByComparingTo(new BigDecimal("0.0705"));
                });
    }

    /**
     * The start fails with these properties, and the reason names the property at fault as the binder does (relaxed
     * binding accepts that form too): {@code field} under {@code warmpath.session}.
     */
    private void refused(String field, String... properties) {
        runner.withPropertyValues(properties).run(context -> {
            String values = String.join(", ", properties);
            assertThat(context).as(values).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().as(values)
                    .hasMessageContaining("'warmpath.session'").hasMessageContaining("'" + field + "'");
        });
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(SessionProperties.class)
    static class PropertiesOnly {
    }
}
