package io.warmpath.inference.policy;

import java.net.URI;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The cell's policy-service connection (also under {@code warmpath.cell.*}).
 *
 * @param policyUrl      policy-service's base URL
 * @param policyEnabled  re-check the cell's region before every completion; off only for engine-only tests
 * @param policyDeadline longest wait for a decision; slower is a 503 (fail closed)
 * @param policyAllowTtl how long an allow is reused for the same principal, data class and pinned region
 */
@ConfigurationProperties("warmpath.cell")
public record CellPolicyProperties(
        @DefaultValue("http://127.0.0.1:8082") URI policyUrl,
        @DefaultValue("true") boolean policyEnabled,
        @DefaultValue("500ms") Duration policyDeadline,
        @DefaultValue("5s") Duration policyAllowTtl) {
}
