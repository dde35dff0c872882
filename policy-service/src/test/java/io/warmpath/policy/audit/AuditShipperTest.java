package io.warmpath.policy.audit;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.warmpath.contracts.audit.AuditKeys;
import io.warmpath.devs3.LocalS3;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipper against a real S3 server (S3Proxy): batches per tenant, in order, nothing lost while S3 is away. */
class AuditShipperTest {

    private static final String BUCKET = "warmpath-audit";
    private static final Instant NOW = Instant.parse("2026-12-07T10:15:30.123Z");

    private static Path directory;
    private static int port;
    private static LocalS3 s3;
    private static S3Client client;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private AuditShipper shipper;

    @BeforeAll
    static void startS3() throws Exception {
        directory = Files.createTempDirectory("audit-s3");
        port = LocalS3.freePort();
        s3 = LocalS3.start(port, directory, null);
        client = S3Client.builder().endpointOverride(s3.endpoint()).region(Region.US_EAST_1).forcePathStyle(true)
                .httpClientBuilder(Apache5HttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(LocalS3.ACCESS_KEY,
                        LocalS3.SECRET_KEY)))
                .build();
        client.createBucket(bucket -> bucket.bucket(BUCKET));
    }

    @AfterAll
    static void stopS3() {
        client.close();
        s3.close();
    }

    @AfterEach
    void stopShipper() throws Exception {
        if (shipper != null) {
            shipper.destroy();
        }
        for (S3Object object : client.listObjectsV2(list -> list.bucket(BUCKET)).contents()) {
            client.deleteObject(delete -> delete.bucket(BUCKET).key(object.key()));
        }
    }

    @Test
    void eachTenantsRecordsAreWrittenAsItsOwnBatchesInOrderOfMaxBatchRecords() {
        shipper = shipper(2, 100);
        shipper.offer("acme", "{\"n\":1}");
        shipper.offer("globex", "{\"n\":2}");
        shipper.offer("acme", "{\"n\":3}");
        shipper.offer("acme", "{\"n\":4}");

        shipper.flush();

        List<String> acme = batches("acme");
        assertThat(acme).containsExactly("{\"n\":1}\n{\"n\":3}\n", "{\"n\":4}\n");
        assertThat(batches("globex")).containsExactly("{\"n\":2}\n");
        assertThat(keys("acme")).allSatisfy(key -> {
            String id = AuditKeys.batchIdOf(key);
            assertThat(id).isNotNull().startsWith("20261207T101530123Z-test-");
            assertThat(AuditKeys.timeOf(id)).isEqualTo(NOW);
        });
        assertThat(meters.counter(AuditShipper.SHIPPED).count()).isEqualTo(4);
    }

    @Test
    void recordsWaitWhileS3IsAwayAndAreWrittenOnceItIsBack() {
        shipper = shipper(100, 100);
        shipper.offer("acme", "{\"n\":1}");
        s3.close();
        try {
            shipper.offer("acme", "{\"n\":2}");
            shipper.flush();
            assertThat(meters.counter(AuditShipper.BATCHES, "outcome", "failed").count()).isPositive();
        }
        finally {
            s3 = LocalS3.start(port, directory, null);
        }
        shipper.offer("acme", "{\"n\":3}");

        shipper.flush();

        assertThat(batches("acme")).containsExactly("{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n");
    }

    @Test
    void recordsPastTheBufferAreDroppedAndCountedNotHeld() {
        shipper = shipper(2, 3);
        for (int n = 1; n <= 5; n++) {
            shipper.offer("acme", "{\"n\":" + n + "}");
        }

        shipper.flush();

        assertThat(String.join("", batches("acme"))).isEqualTo("{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n");
        assertThat(meters.counter(AuditShipper.DROPPED).count()).isEqualTo(2);
    }

    @Test
    void whatIsBufferedAtShutdownIsWritten() throws Exception {
        shipper = shipper(100, 100);
        shipper.offer("acme", "{\"n\":1}");

        shipper.destroy();
        shipper = null;

        assertThat(batches("acme")).containsExactly("{\"n\":1}\n");
    }

    private AuditShipper shipper(int maxBatch, int maxBuffered) {
        AuditProperties properties = new AuditProperties(BUCKET, s3.endpoint(), LocalS3.ACCESS_KEY,
                LocalS3.SECRET_KEY, "us-east-1", true, "none", false, "test", Duration.ofHours(1), maxBatch,
                maxBuffered);
        return new AuditShipper(client, properties, meters, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private List<String> keys(String tenant) {
        return client.listObjectsV2(list -> list.bucket(BUCKET).prefix(AuditKeys.tenantPrefix(tenant))).contents()
                .stream().map(S3Object::key).toList();
    }

    private List<String> batches(String tenant) {
        return keys(tenant).stream().map(key -> client.getObject(get -> get.bucket(BUCKET).key(key),
                ResponseTransformer.toBytes()).asString(StandardCharsets.UTF_8)).toList();
    }
}
