package io.warmpath.artifacts.artifacts;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import io.warmpath.assertion.testing.TestAssertions;
import io.warmpath.contracts.DataClass;
import io.warmpath.contracts.Ids;
import io.warmpath.contracts.assertion.Assertion;
import io.warmpath.contracts.assertion.Audiences;
import io.warmpath.contracts.testing.StubPolicyService;
import io.warmpath.devs3.LocalS3;
import org.springframework.test.context.DynamicPropertyRegistry;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A real S3 server ({@link TestS3}: MinIO where Docker answers, else S3Proxy; one per test JVM) with two regions'
 * buckets, the shared stub of policy-service, and callers with assertions for artifact-service.
 */
final class ArtifactStoreTestSupport {

    static final String LOCAL_BUCKET = "warmpath-artifacts-local";
    static final String EU_BUCKET = "warmpath-artifacts-eu";
    static final String AUDIT_BUCKET = "warmpath-audit";
    static final TestS3 S3 = TestS3.start();
    static final StubPolicyService POLICY = StubPolicyService.start();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ArtifactStoreTestSupport() {
    }

    static void properties(DynamicPropertyRegistry registry) {
        properties(registry, S3);
    }

    /** The properties of a service whose two regions' buckets are on a local S3Proxy (the outage test's own). */
    static void properties(DynamicPropertyRegistry registry, LocalS3 s3) {
        properties(registry, new TestS3(s3.endpoint(), LocalS3.ACCESS_KEY, LocalS3.SECRET_KEY, "none"));
    }

    /** The properties of a service whose two regions' buckets are on {@code s3}. */
    static void properties(DynamicPropertyRegistry registry, TestS3 s3) {
        region(registry, s3, "local", LOCAL_BUCKET);
        region(registry, s3, "eu", EU_BUCKET);
        String audit = "warmpath.artifacts.store.audit.";
        registry.add(audit + "endpoint", () -> s3.endpoint().toString());
        registry.add(audit + "bucket", () -> AUDIT_BUCKET);
        registry.add(audit + "access-key", s3::accessKey);
        registry.add(audit + "secret-key", s3::secretKey);
        registry.add(audit + "create-bucket", () -> "true");
        registry.add("warmpath.artifacts.default-region", () -> "local");
        registry.add("warmpath.artifacts.policy-url", POLICY::url);
        registry.add("warmpath.artifacts.store.part-size", () -> "5MB");
        registry.add("warmpath.artifacts.store.server-side-encryption", s3::encryption);
        registry.add("warmpath.artifacts.tenant-max-size.tiny", () -> "16B");
        registry.add("warmpath.artifacts.tenant-max-size.medium", () -> "6MB");
        registry.add("warmpath.artifacts.retry-after", () -> "3s");
    }

    private static void region(DynamicPropertyRegistry registry, TestS3 s3, String region, String bucket) {
        String prefix = "warmpath.artifacts.store.regions." + region + ".";
        registry.add(prefix + "endpoint", () -> s3.endpoint().toString());
        registry.add(prefix + "bucket", () -> bucket);
        registry.add(prefix + "access-key", s3::accessKey);
        registry.add(prefix + "secret-key", s3::secretKey);
        registry.add(prefix + "create-bucket", () -> "true");
    }

    /** A caller of {@code tenant} with both artifact scopes. */
    static Assertion caller(String tenant) {
        return new Assertion(tenant, "user-" + tenant, List.of("artifacts:read", "artifacts:write"), List.of(),
                null, null, null, DataClass.INTERNAL, null, null, false);
    }

    static String bearer(Assertion caller) {
        return TestAssertions.shared().bearer(caller, Audiences.ARTIFACTS);
    }

    /** The assertion for policy-service the gateway sends along, for the service's policy checks. */
    static String policyAssertion(Assertion caller) {
        return TestAssertions.shared().mint(caller, Audiences.POLICY);
    }

    /** Every key the S3 server holds in {@code bucket}, straight from S3. */
    static List<String> keysIn(String bucket) {
        try (S3Client client = s3Client()) {
            return client.listObjectsV2(list -> list.bucket(bucket)).contents().stream().map(S3Object::key).toList();
        }
    }

    /** Writes an object straight to S3, as another service would. */
    static void putObject(String bucket, String key, String body) {
        try (S3Client client = s3Client()) {
            client.putObject(put -> put.bucket(bucket).key(key), RequestBody.fromString(body));
        }
    }

    private static S3Client s3Client() {
        return S3Client.builder().endpointOverride(S3.endpoint()).region(Region.US_EAST_1)
                .forcePathStyle(true).httpClient(Apache5HttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(S3.accessKey(), S3.secretKey()))).build();
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(Ids.sha256().digest(bytes));
    }

    static HttpResponse<byte[]> get(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
