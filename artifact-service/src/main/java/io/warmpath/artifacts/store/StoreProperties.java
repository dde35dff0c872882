package io.warmpath.artifacts.store;

import java.net.URI;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Where artifacts are kept: one S3 bucket per region ({@code warmpath.artifacts.store.regions.<region>.*}).
 *
 * @param regions              the stores, by the region name policy decides on ({@code eu}, {@code local}, ...)
 * @param partSize             how much of an upload is held in memory at once: objects up to this size are one
 *                             PUT, larger ones a multipart upload of parts this size (S3's minimum part is 5 MiB)
 * @param serverSideEncryption the {@code x-amz-server-side-encryption} every write asks for ({@code AES256},
 *                             {@code aws:kms}), or {@code none} for a server that has no encryption configured
 * @param maxChunkedUploads    chunked uploads (no {@code Content-Length}) in flight at once per region, each holding
 *                             one part in memory; more wait up to 5 s for a turn, then get a 503
 * @param audit                the audit bucket policy-service ships its records to, read here for
 *                             {@code GET /v1/audit}; unset: this deployment keeps no audit records to list
 */
@ConfigurationProperties("warmpath.artifacts.store")
public record StoreProperties(Map<String, RegionStore> regions, @DefaultValue("8MB") DataSize partSize,
        @DefaultValue("AES256") String serverSideEncryption, @DefaultValue("16") int maxChunkedUploads,
        @Nullable RegionStore audit) {

    public StoreProperties {
        regions = regions == null ? Map.of() : Map.copyOf(regions);
        if (maxChunkedUploads < 1) {
            throw new IllegalArgumentException("warmpath.artifacts.store.max-chunked-uploads must be at least 1");
        }
        if (partSize.toBytes() < DataSize.ofMegabytes(5).toBytes() || partSize.toBytes() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("warmpath.artifacts.store.part-size must be at least 5MB (S3's "
                    + "smallest multipart part) and below 2GB");
        }
    }

    /**
     * One region's bucket.
     *
     * @param endpoint       the S3 API this service calls; unset for AWS itself
     * @param publicEndpoint the S3 API as clients reach it, for presigned URLs; unset: {@code endpoint}
     * @param accessKey      with {@code secretKey}, the credentials; unset: the AWS SDK's default chain (environment
 *                       variables, a web identity such as IRSA, the instance's role)
 * @param signingRegion  the S3 region requests are signed for ({@code us-east-1} for MinIO and S3Proxy)
     * @param pathStyle      bucket in the path rather than the host name (MinIO, S3Proxy)
     */
    public record RegionStore(@Nullable URI endpoint, @Nullable URI publicEndpoint, String bucket,
            @Nullable String accessKey, @Nullable String secretKey, @DefaultValue("us-east-1") String signingRegion, @DefaultValue("true") boolean pathStyle,
            @DefaultValue("false") boolean createBucket) {
    }
}
