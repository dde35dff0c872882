package io.warmpath.artifacts.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.warmpath.devs3.LocalS3;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** One region's store against a real S3 server (S3Proxy). */
class ObjectStoreTest {

    private static final int PART = 5 * 1024 * 1024;
    private static final LocalS3 S3 = LocalS3.start();

    @AfterAll
    static void stop() {
        S3.close();
    }

    @Test
    void chunkedUploadsBeyondTheLimitAreRefusedWhileKnownLengthsStillStream() throws Exception {
        ObjectStore store = store(1);
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        InputStream slow = new InputStream() {
            private boolean sent;

            @Override
            public int read() {
                return -1;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                if (sent) {
                    return -1;
                }
                reading.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                sent = true;
                buffer[offset] = 1;
                return 1;
            }
        };
        CompletableFuture<StoredObject> first = CompletableFuture.supplyAsync(() ->
                store.write("a/first", slow, "application/octet-stream", 100, null));
        assertThat(reading.await(10, TimeUnit.SECONDS)).isTrue();

        assertThatThrownBy(() -> store.write("a/second", new ByteArrayInputStream(new byte[] {2}),
                "application/octet-stream", 100, null)).isInstanceOf(StoreUnavailableException.class);
        assertThat(store.write("a/third", new ByteArrayInputStream(new byte[] {3}), 1, "application/octet-stream",
                100, null).size()).as("a body of known length needs no slot").isEqualTo(1);

        release.countDown();
        assertThat(first.get(30, TimeUnit.SECONDS).size()).isEqualTo(1);
        assertThat(store.write("a/fourth", new ByteArrayInputStream(new byte[] {4}), "application/octet-stream",
                100, null).size()).as("the slot is free again").isEqualTo(1);
    }

    private static ObjectStore store(int maxChunkedUploads) {
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(
                AwsBasicCredentials.create(LocalS3.ACCESS_KEY, LocalS3.SECRET_KEY));
        S3Client client = S3Client.builder().endpointOverride(S3.endpoint()).region(Region.US_EAST_1)
                .forcePathStyle(true).credentialsProvider(credentials).httpClient(Apache5HttpClient.create())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED).build();
        S3Presigner presigner = S3Presigner.builder().endpointOverride(S3.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(credentials).build();
        ObjectStore store = new ObjectStore("local", client, presigner, "warmpath-store-test", PART, null,
                maxChunkedUploads);
        store.ensureBucket();
        return store;
    }
}
