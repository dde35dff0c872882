package io.warmpath.artifacts.store;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * An S3 client and presigner per configured region. The AWS SDK v2 rather than the MinIO client: the same code then
 * speaks to AWS S3, MinIO and S3Proxy, presigns with SigV4, and its blocking client streams a body from an
 * {@code InputStream} of known length, which suits virtual threads. Checksums are computed only where S3 requires
 * them: the SDK's default (a CRC trailer on every upload) is not understood by every S3-compatible server, and this
 * service checks SHA-256 itself.
 */
@Configuration(proxyBeanMethods = false)
class StoreConfiguration {

    /**
     * Apache HttpClient 5 under the SDK: a pooled connection idle for a second is checked before it is used again,
     * and one idle for 20 s is closed (S3 servers close idle connections after 20 to 60 s). A streamed upload cannot
     * be retried once its first bytes went, so it must not go out on a connection the server already closed.
     */
    @Bean(destroyMethod = "close")
    SdkHttpClient s3HttpClient() {
        return Apache5HttpClient.builder()
                .connectionMaxIdleTime(Duration.ofSeconds(20))
                .useIdleConnectionReaper(true)
                .maxConnections(200)
                .build();
    }

    @Bean
    RegionalStores regionalStores(StoreProperties properties, SdkHttpClient http) {
        Map<String, ObjectStore> stores = new LinkedHashMap<>();
        properties.regions().forEach((region, store) -> stores.put(region, objectStore(region, store, properties,
                http)));
        return new RegionalStores(stores);
    }

    @Bean
    AuditArchive auditArchive(StoreProperties properties, SdkHttpClient http) {
        return new AuditArchive(properties.audit() == null ? null
                : objectStore("audit", properties.audit(), properties, http));
    }

    private static ObjectStore objectStore(String name, StoreProperties.RegionStore store, StoreProperties properties,
            SdkHttpClient http) {
        ServerSideEncryption encryption = properties.serverSideEncryption().equalsIgnoreCase("none") ? null
                : ServerSideEncryption.fromValue(properties.serverSideEncryption());
        AwsCredentialsProvider credentials = store.accessKey() != null && store.secretKey() != null
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(store.accessKey(), store.secretKey()))
                : DefaultCredentialsProvider.builder().build();
        var client = S3Client.builder()
                .httpClient(http)
                .region(Region.of(store.signingRegion()))
                .credentialsProvider(credentials)
                .forcePathStyle(store.pathStyle())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        var presigner = S3Presigner.builder()
                .region(Region.of(store.signingRegion()))
                .credentialsProvider(credentials)
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(store.pathStyle()).build());
        if (store.endpoint() != null) {
            client.endpointOverride(store.endpoint());
        }
        URI presigned = store.publicEndpoint() != null ? store.publicEndpoint() : store.endpoint();
        if (presigned != null) {
            presigner.endpointOverride(presigned);
        }
        ObjectStore objectStore = new ObjectStore(name, client.build(), presigner.build(), store.bucket(),
                (int) properties.partSize().toBytes(), encryption, properties.maxChunkedUploads());
        if (store.createBucket()) {
            objectStore.ensureBucket();
        }
        return objectStore;
    }
}
