package io.warmpath.policy.audit;

import java.net.URI;
import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where and how the audit records are shipped ({@code warmpath.policy.audit.*}). Without a {@code bucket} nothing is
 * shipped, and the records go only to the {@code warmpath.policy.audit} logger.
 *
 * @param bucket               the audit bucket; make it append-only (S3 Object Lock, or credentials that may only
 *                             put objects, as docker-compose and the chart's bundled MinIO do)
 * @param endpoint             the S3 API; unset for AWS itself
 * @param accessKey            with {@code secretKey}, the credentials; unset: the AWS SDK's default chain
 * @param signingRegion        the S3 region requests are signed for ({@code us-east-1} for MinIO and S3Proxy)
 * @param pathStyle            bucket in the path rather than the host name (MinIO, S3Proxy)
 * @param serverSideEncryption {@code AES256}, {@code aws:kms}, or {@code none}
 * @param createBucket         create the bucket at start (development)
 * @param instance             this replica's name in batch ids ({@code [a-z0-9-]{1,40}}); unset: a random one, so
 *                             two replicas never write the same key
 * @param flushInterval        how often the batches are written; a record is in the bucket within about this long
 * @param maxBatch             the most records one batch object holds
 * @param maxBuffered          the most records waiting (in memory) across tenants, also while the bucket cannot be
 *                             reached; past it, new records are dropped, counted and logged
 */
@ConfigurationProperties("warmpath.policy.audit")
record AuditProperties(
        @Nullable String bucket,
        @Nullable URI endpoint,
        @Nullable String accessKey,
        @Nullable String secretKey,
        @DefaultValue("us-east-1") String signingRegion,
        @DefaultValue("true") boolean pathStyle,
        @DefaultValue("AES256") String serverSideEncryption,
        @DefaultValue("false") boolean createBucket,
        @Nullable String instance,
        @DefaultValue("10s") Duration flushInterval,
        @DefaultValue("1000") int maxBatch,
        @DefaultValue("100000") int maxBuffered) {

    AuditProperties {
        if (maxBatch < 1 || maxBuffered < maxBatch) {
            throw new IllegalArgumentException("warmpath.policy.audit: max-batch must be at least 1, and max-buffered "
                    + "at least max-batch");
        }
        if (flushInterval.isNegative() || flushInterval.isZero()) {
            throw new IllegalArgumentException("warmpath.policy.audit.flush-interval must be positive");
        }
    }

    @Override
    public String toString() {
        // Never the secret, should the properties be logged.
        return "AuditProperties[bucket=" + bucket + ", endpoint=" + endpoint + ", credentials="
                + (secretKey == null ? "default chain" : "set") + "]";
    }
}
