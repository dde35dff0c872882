package io.warmpath.artifacts.artifacts;

import java.net.URI;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

import io.warmpath.contracts.DataClass;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * What the artifact API allows ({@code warmpath.artifacts.*}).
 *
 * @param defaultRegion      where an artifact is kept when neither the request nor the caller's token names a region
 * @param maxSize            the largest artifact a tenant may store, unless {@code tenantMaxSize} says otherwise
 * @param tenantMaxSize      per-tenant exceptions to {@code maxSize}
 * @param retention          how long an artifact of each data class is kept at most; a request may ask for less
 * @param maxUrlLifetime     the longest a presigned URL may stay valid
 * @param idempotencyWindow  how long an {@code Idempotency-Key} keeps naming the artifact it created
 * @param retryAfter         the {@code Retry-After} of a 503 when a store is unavailable
 * @param policyUrl          policy-service; its decisions gate every write and read
 * @param policyDeadline     how long a decision may take before the request fails closed
 */
@ConfigurationProperties("warmpath.artifacts")
public record ArtifactProperties(@DefaultValue("local") String defaultRegion, @DefaultValue("1GB") DataSize maxSize,
        Map<String, DataSize> tenantMaxSize, Map<DataClass, Duration> retention,
        @DefaultValue("1h") Duration maxUrlLifetime, @DefaultValue("24h") Duration idempotencyWindow,
        @DefaultValue("2s") Duration retryAfter, @DefaultValue("http://127.0.0.1:8082") URI policyUrl,
        @DefaultValue("2s") Duration policyDeadline) {

    private static final Map<DataClass, Duration> DEFAULT_RETENTION = Map.of(DataClass.PUBLIC, Duration.ofDays(365),
            DataClass.INTERNAL, Duration.ofDays(90), DataClass.CONFIDENTIAL, Duration.ofDays(30),
            DataClass.REGULATED, Duration.ofDays(7));

    public ArtifactProperties {
        tenantMaxSize = tenantMaxSize == null ? Map.of() : Map.copyOf(tenantMaxSize);
        Map<DataClass, Duration> merged = new EnumMap<>(DEFAULT_RETENTION);
        if (retention != null) {
            merged.putAll(retention);
        }
        retention = Map.copyOf(merged);
    }

    /** The largest artifact {@code tenant} may store, in bytes. */
    long maxBytes(String tenant) {
        return tenantMaxSize.getOrDefault(tenant, maxSize).toBytes();
    }

    /** How long an artifact of {@code dataClass} is kept at most. */
    Duration retentionOf(DataClass dataClass) {
        return retention.get(dataClass);
    }
}
