package io.warmpath.gateway.policy;

import java.net.URI;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The policy-service connection ({@code warmpath.gateway.policy.*}).
 *
 * @param enabled    ask policy-service before routing inference (and have a client for the tool routes); off, every
 *                   region is allowed and tool calls are refused unless their own policy check is disabled
 * @param url        policy-service's base URL
 * @param deadline   longest wait for a batch of decisions; slower counts as a deny (timeout)
 * @param allowTtl   how long an allow is reused
 * @param cacheSize  the most allows kept
 * @param retryAfter the {@code Retry-After} of a 503 when policy-service cannot decide
 */
@ConfigurationProperties("warmpath.gateway.policy")
record GatewayPolicyProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("http://127.0.0.1:8082") URI url,
        @DefaultValue("500ms") Duration deadline,
        @DefaultValue("5s") Duration allowTtl,
        @DefaultValue("10000") long cacheSize,
        @DefaultValue("1s") Duration retryAfter) {
}
