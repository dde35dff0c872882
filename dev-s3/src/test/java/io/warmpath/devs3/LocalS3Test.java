package io.warmpath.devs3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.s3.model.S3Exception;

class LocalS3Test {

    @TempDir
    Path directory;

    @Test
    void servesTheS3ApiWithSignedRequestsAndPresignedUrls() throws Exception {
        try (LocalS3 s3 = LocalS3.start(LocalS3.freePort(), directory, null);
             S3Client client = client(s3, LocalS3.SECRET_KEY);
             S3Presigner presigner = presigner(s3)) {
            client.createBucket(bucket -> bucket.bucket("warmpath-test"));
            client.putObject(put -> put.bucket("warmpath-test").key("a/b"), RequestBody.fromString("hello"));

            assertThat(client.getObjectAsBytes(get -> get.bucket("warmpath-test").key("a/b")).asUtf8String())
                    .isEqualTo("hello");
            assertThat(Files.list(directory)).as("objects live in the directory").isNotEmpty();

            String url = presigner.presignGetObject(presign -> presign.signatureDuration(Duration.ofMinutes(1))
                    .getObjectRequest(get -> get.bucket("warmpath-test").key("a/b"))).url().toString();
            HttpClient http = HttpClient.newHttpClient();
            assertThat(http.send(HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("hello");
            assertThat(http.send(HttpRequest.newBuilder(java.net.URI.create(url.replace("a/b", "a/c"))).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode()).as("a tampered URL").isEqualTo(403);
        }
    }

    @Test
    void refusesTheWrongSecretAndKeepsItsDataAcrossARestart() throws Exception {
        int port = LocalS3.freePort();
        try (LocalS3 s3 = LocalS3.start(port, directory, null); S3Client client = client(s3, LocalS3.SECRET_KEY)) {
            client.createBucket(bucket -> bucket.bucket("warmpath-test"));
            client.putObject(put -> put.bucket("warmpath-test").key("kept"), RequestBody.fromString("still here"));
            try (S3Client intruder = client(s3, "not-the-secret")) {
                assertThatThrownBy(() -> intruder.listBuckets()).isInstanceOf(S3Exception.class);
            }
        }
        try (LocalS3 s3 = LocalS3.start(port, directory, null); S3Client client = client(s3, LocalS3.SECRET_KEY)) {
            assertThat(client.getObjectAsBytes(get -> get.bucket("warmpath-test").key("kept")).asUtf8String())
                    .isEqualTo("still here");
        }
    }

    private static S3Client client(LocalS3 s3, String secret) {
        return S3Client.builder()
                .endpointOverride(s3.endpoint())
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(LocalS3.ACCESS_KEY,
                        secret)))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    private static S3Presigner presigner(LocalS3 s3) {
        return S3Presigner.builder()
                .endpointOverride(s3.endpoint())
                .region(Region.US_EAST_1)
                .serviceConfiguration(software.amazon.awssdk.services.s3.S3Configuration.builder()
                        .pathStyleAccessEnabled(true).build())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(LocalS3.ACCESS_KEY,
                        LocalS3.SECRET_KEY)))
                .build();
    }
}
