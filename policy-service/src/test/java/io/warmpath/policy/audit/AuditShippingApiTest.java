package io.warmpath.policy.audit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.warmpath.contracts.audit.AuditKeys;
import io.warmpath.devs3.LocalS3;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.client.RestTestClient;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static io.warmpath.policy.DecisionRequests.batch;
import static io.warmpath.policy.DecisionRequests.bearer;
import static io.warmpath.policy.DecisionRequests.principal;
import static io.warmpath.policy.DecisionRequests.request;
import static io.warmpath.policy.DecisionRequests.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Every decision made over the API reaches the audit bucket, under its tenant's prefix, within a flush. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "warmpath.policy.audit.bucket=warmpath-audit",
        "warmpath.policy.audit.create-bucket=true",
        "warmpath.policy.audit.server-side-encryption=none",
        "warmpath.policy.audit.flush-interval=200ms"})
@AutoConfigureRestTestClient
class AuditShippingApiTest {

    private static final LocalS3 S3 = LocalS3.start();

    @Autowired
    RestTestClient client;

    @Autowired
    S3Client auditS3Client;

    @DynamicPropertySource
    static void s3(DynamicPropertyRegistry registry) {
        registry.add("warmpath.policy.audit.endpoint", () -> S3.endpoint().toString());
        registry.add("warmpath.policy.audit.access-key", () -> LocalS3.ACCESS_KEY);
        registry.add("warmpath.policy.audit.secret-key", () -> LocalS3.SECRET_KEY);
    }

    @AfterAll
    static void stopS3() {
        S3.close();
    }

    @Test
    void aDecisionIsShippedToItsTenantsPrefixOfTheAuditBucket() {
        client.post().uri("/v1/decisions").contentType(MediaType.APPLICATION_JSON)
                .header(HttpHeaders.AUTHORIZATION, bearer("audited"))
                .body(batch(request(principal("audited", List.of(), null), "read_artifact",
                        resource("Artifact", "store:eu", "eu", "internal"), Map.of())))
                .exchange().expectStatus().isOk();

        String prefix = AuditKeys.tenantPrefix("audited");
        List<String> keys = await().atMost(Duration.ofSeconds(10)).until(() -> auditS3Client
                .listObjectsV2(list -> list.bucket("warmpath-audit").prefix(prefix)).contents().stream()
                .map(object -> object.key()).toList(), found -> !found.isEmpty());
        String batch = auditS3Client.getObject(get -> get.bucket("warmpath-audit").key(keys.getFirst()),
                ResponseTransformer.toBytes()).asString(StandardCharsets.UTF_8);
        JsonNode record = JsonMapper.shared().readTree(batch.lines().findFirst().orElseThrow());
        assertThat(record.path("tenant").asString()).isEqualTo("audited");
        assertThat(record.path("action").asString()).isEqualTo("read_artifact");
        assertThat(record.path("decision").asString()).isEqualTo("allow");
        assertThat(AuditKeys.batchIdOf(keys.getFirst())).isNotNull();
    }
}
