package io.warmpath.artifacts.artifacts;

import static io.warmpath.artifacts.artifacts.ArtifactStoreTestSupport.HTTP;
import static io.warmpath.artifacts.artifacts.ArtifactStoreTestSupport.bearer;
import static io.warmpath.artifacts.artifacts.ArtifactStoreTestSupport.caller;
import static io.warmpath.artifacts.artifacts.ArtifactStoreTestSupport.policyAssertion;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.warmpath.contracts.WarmpathHeaders;
import io.warmpath.contracts.assertion.Assertion;
import io.warmpath.devs3.LocalS3;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/** The S3 server goes away and comes back: 503 with Retry-After meanwhile, nothing lost, service as before after. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ArtifactStoreOutageTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Assertion ACME = caller("acme");
    private static final int S3_PORT = LocalS3.freePort();
    private static final Path S3_DIRECTORY = directory();
    private static LocalS3 s3 = LocalS3.start(S3_PORT, S3_DIRECTORY, null);

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) {
        ArtifactStoreTestSupport.properties(registry, s3);
    }

    @AfterAll
    static void stopS3() {
        s3.close();
    }

    @Test
    void outageIsA503WithRetryAfterAndTheStoreRecoversWithItsData() throws Exception {
        byte[] bytes = "kept through the outage".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> stored = put(bytes);
        assertThat(stored.statusCode()).as(stored.body()).isEqualTo(201);
        String id = JSON.readTree(stored.body()).path("id").asString();

        s3.close();
        HttpResponse<String> refused = put("lost?".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> unreadable = get(id);

        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("retry-after")).hasValue("3");
        assertThat(JSON.readTree(refused.body()).path("error").path("code").asString())
                .isEqualTo("artifact_store_unavailable");
        assertThat(unreadable.statusCode()).isEqualTo(503);

        s3 = LocalS3.start(S3_PORT, S3_DIRECTORY, null);
        assertThat(get(id).body()).isEqualTo(new String(bytes, StandardCharsets.UTF_8));
        assertThat(put(bytes).statusCode()).isEqualTo(201);
    }

    private HttpResponse<String> put(byte[] bytes) throws Exception {
        return HTTP.send(request("?name=o").PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String id) throws Exception {
        return HTTP.send(request("/" + id).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/artifacts" + path))
                .header("authorization", bearer(ACME))
                .header(WarmpathHeaders.POLICY_ASSERTION, policyAssertion(ACME));
    }

    private static Path directory() {
        try {
            return Files.createTempDirectory("warmpath-s3-outage");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
