package io.warmpath.policy.audit;

import java.time.Clock;
import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;

/**
 * The audit shipper and its S3 client, when {@code warmpath.policy.audit.bucket} names a bucket. The client sends
 * checksums only where S3 requires them (the shipper sets {@code Content-MD5} itself), as artifact-service's does,
 * so that every S3-compatible server understands it.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "warmpath.policy.audit", name = "bucket")
class AuditConfiguration {

    @Bean(destroyMethod = "close")
    S3Client auditS3Client(AuditProperties properties) {
        var client = S3Client.builder()
                .httpClientBuilder(Apache5HttpClient.builder().connectionMaxIdleTime(Duration.ofSeconds(20)))
                .region(Region.of(properties.signingRegion()))
                .credentialsProvider(properties.accessKey() != null && properties.secretKey() != null
                        ? StaticCredentialsProvider.create(AwsBasicCredentials.create(properties.accessKey(),
                                properties.secretKey()))
                        : DefaultCredentialsProvider.builder().build())
                .forcePathStyle(properties.pathStyle())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        if (properties.endpoint() != null) {
            client.endpointOverride(properties.endpoint());
        }
        S3Client s3 = client.build();
        if (properties.createBucket()) {
            try {
                s3.createBucket(CreateBucketRequest.builder().bucket(properties.bucket()).build());
            }
            catch (BucketAlreadyOwnedByYouException exists) {
                // Created by an earlier start.
            }
        }
        return s3;
    }

    @Bean
    AuditShipper auditShipper(S3Client auditS3Client, AuditProperties properties, MeterRegistry meters, Clock clock) {
        return new AuditShipper(auditS3Client, properties, meters, clock);
    }
}
