package io.warmpath.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import io.warmpath.cli.token.TokenSpec;
import io.warmpath.contracts.Ids;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * Artifacts end to end: client -> gateway -> artifact-service -> S3 (S3Proxy), with policy-service's default
 * policies deciding region and data class. The outage test stops the S3 server, so it runs last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ArtifactSystemIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final List<String> SCOPES = List.of("artifacts:read", "artifacts:write");

    private WarmpathStack stack;
    private String acme;
    private String globex;

    @BeforeAll
    void startStack() throws Exception {
        stack = WarmpathStack.start("artifacts", 1, 0.02);
        acme = DevCredentials.token(stack.keyDir(), "acme", "artifacts:read", "artifacts:write");
        globex = DevCredentials.token(stack.keyDir(), "globex", "artifacts:read", "artifacts:write");
    }

    @AfterAll
    void stopStack() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void roundTripThroughTheGatewayKeepsTheBytesAndTheirHashAndOtherTenantsSeeNothing() throws Exception {
        byte[] bytes = new byte[9 * 1024 * 1024 + 3];
        new Random(11).nextBytes(bytes);
        String sha256 = HexFormat.of().formatHex(Ids.sha256().digest(bytes));

        HttpResponse<String> created = send(acme, HttpRequest.newBuilder(uri("/v1/artifacts?name=trace.bin"
                + "&data_class=internal&sha256=" + sha256)).PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode artifact = GatewayClient.JSON.readTree(created.body());
        String id = artifact.path("id").asString();
        assertThat(artifact.path("sha256").asString()).isEqualTo(sha256);
        assertThat(artifact.path("region").asString()).isEqualTo("local");

        HttpResponse<byte[]> download = HTTP.send(HttpRequest.newBuilder(uri("/v1/artifacts/" + id))
                .header("authorization", "Bearer " + acme).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(HexFormat.of().formatHex(Ids.sha256().digest(download.body()))).isEqualTo(sha256);

        assertThat(send(globex, HttpRequest.newBuilder(uri("/v1/artifacts/" + id))).statusCode()).isEqualTo(404);
        assertThat(send(globex, HttpRequest.newBuilder(uri("/v1/artifacts/" + id + "/metadata"))).statusCode())
                .isEqualTo(404);
    }

    @Test
    @Order(2)
    void regulatedArtifactsStayInTheTenantsRegionsAndEveryReadIsCheckedAgain() throws Exception {
        // The default policies: tenant "dev" may keep regulated data in region "local" only.
        String cleared = DevCredentials.token(stack.keyDir(), TokenSpec.devDefaults().withScopes(SCOPES)
                .withRoles(List.of("data:regulated")));
        String uncleared = DevCredentials.token(stack.keyDir(), TokenSpec.devDefaults().withScopes(SCOPES));

        HttpResponse<String> elsewhere = send(cleared, HttpRequest.newBuilder(
                uri("/v1/artifacts?name=r&data_class=regulated&region=eu"))
                .PUT(HttpRequest.BodyPublishers.ofString("patient record")));
        assertThat(elsewhere.statusCode()).as(elsewhere.body()).isEqualTo(403);
        assertThat(GatewayClient.JSON.readTree(elsewhere.body()).path("error").path("code").asString())
                .isEqualTo("region_not_allowed");

        HttpResponse<String> home = send(cleared, HttpRequest.newBuilder(
                uri("/v1/artifacts?name=r&data_class=regulated&region=local"))
                .PUT(HttpRequest.BodyPublishers.ofString("patient record")));
        assertThat(home.statusCode()).as(home.body()).isEqualTo(201);
        String id = GatewayClient.JSON.readTree(home.body()).path("id").asString();

        assertThat(send(cleared, HttpRequest.newBuilder(uri("/v1/artifacts/" + id))).body())
                .isEqualTo("patient record");
        HttpResponse<String> refused = send(uncleared, HttpRequest.newBuilder(uri("/v1/artifacts/" + id)));
        assertThat(refused.statusCode()).as("same tenant, no clearance: the read is decided again").isEqualTo(403);
    }

    @Test
    @Order(3)
    void presignedUrlWorksWithoutCredentialsThenExpires() throws Exception {
        HttpResponse<String> created = send(acme, HttpRequest.newBuilder(uri("/v1/artifacts?name=report.txt"
                + "&data_class=internal")).header("content-type", "text/plain")
                .PUT(HttpRequest.BodyPublishers.ofString("quarterly numbers")));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = GatewayClient.JSON.readTree(created.body()).path("id").asString();

        HttpResponse<String> presigned = send(acme, HttpRequest.newBuilder(uri("/v1/artifacts/" + id + "/url"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"expires_in\":4}")));
        assertThat(presigned.statusCode()).as(presigned.body()).isEqualTo(200);
        URI url = URI.create(GatewayClient.JSON.readTree(presigned.body()).path("url").asString());

        assertThat(HTTP.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString()).body())
                .isEqualTo("quarterly numbers");
        // Signatures count from a whole second: a 4 s URL is good for 3 to 4 s.
        Thread.sleep(5_100);
        assertThat(HTTP.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode()).isEqualTo(403);
    }

    @Test
    @Order(4)
    void aRecordedSessionsTurnsAreListedAsItsTranscriptRedactedAndReadable() throws Exception {
        String agent = DevCredentials.token(stack.keyDir(), "acme", "sessions:write", "inference:invoke",
                "artifacts:read");
        GatewayClient gateway = new GatewayClient(stack.gateway().url("/"));
        GatewayClient.Reply created = gateway.post("/v1/sessions", agent, java.util.Map.of(),
                "{\"workflow\":\"audited\",\"record_transcript\":true}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().path("record_transcript").asBoolean()).isTrue();
        String sessionId = created.json().path("id").asString();
        String token = created.json().path("affinity_token").asString();
        String apiKey = "sk-proj-" + "q".repeat(32);

        GatewayClient.Conversation conversation = new GatewayClient.Conversation(WarmpathStack.MODEL,
                "You are a release agent.");
        GatewayClient.Reply first = gateway.chat(agent, token, conversation.turn("Release with key " + apiKey + "."));
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        conversation.answered(first);
        var streamed = conversation.turn("Now summarise.");
        streamed.put("stream", true);
        GatewayClient.Reply second = gateway.chat(agent, token, streamed);
        assertThat(second.status()).as(second.body()).isEqualTo(200);

        // Stored after each answer went out: wait for both.
        List<JsonNode> transcripts = new java.util.ArrayList<>();
        for (long deadline = System.nanoTime() + 30_000_000_000L; transcripts.size() < 2
                && System.nanoTime() < deadline; Thread.sleep(200)) {
            HttpResponse<String> listing = send(agent, HttpRequest.newBuilder(
                    uri("/v1/artifacts?session=" + sessionId + "&kind=transcript")));
            assertThat(listing.statusCode()).as(listing.body()).isEqualTo(200);
            transcripts.clear();
            GatewayClient.JSON.readTree(listing.body()).path("data").forEach(transcripts::add);
        }
        assertThat(transcripts).hasSize(2);
        for (JsonNode listed : transcripts) {
            assertThat(listed.path("labels").path("kind").asString()).isEqualTo("transcript");
            HttpResponse<String> read = send(agent, HttpRequest.newBuilder(
                    uri("/v1/artifacts/" + listed.path("id").asString())));
            assertThat(read.statusCode()).isEqualTo(200);
            JsonNode transcript = GatewayClient.JSON.readTree(read.body());
            assertThat(transcript.path("session").asString()).isEqualTo(sessionId);
            assertThat(read.body()).doesNotContain(apiKey);
            assertThat(transcript.path("response").path("choices").path(0).path("message").path("content")
                    .asString()).isNotEmpty();
        }
        assertThat(transcripts).anySatisfy(transcript -> assertThat(transcript.path("name").asString())
                .startsWith("turn-"));

        // The default policies record no regulated session's turns, even pinned to a region its tenant allows.
        String regulated = DevCredentials.token(stack.keyDir(), TokenSpec.devDefaults()
                .withScopes(List.of("sessions:write")).withRoles(List.of("data:regulated")));
        GatewayClient.Reply refused = gateway.post("/v1/sessions", regulated, java.util.Map.of(),
                "{\"workflow\":\"audited\",\"data_class\":\"regulated\",\"region\":\"local\","
                        + "\"record_transcript\":true}");
        assertThat(refused.status()).as(refused.body()).isEqualTo(403);
        assertThat(refused.json().path("error").path("code").asString()).isEqualTo("data_class_not_allowed");
    }

    @Test
    @Order(5)
    void policyDecisionsAreShippedToTheAuditBucketAndListedForTheirTenantOnly() throws Exception {
        // The tests before made decisions for acme (artifact writes and reads) and globex (a read).
        String acmeAuditor = DevCredentials.token(stack.keyDir(), "acme", "audit:read");
        String globexAuditor = DevCredentials.token(stack.keyDir(), "globex", "audit:read");

        List<JsonNode> batches = new java.util.ArrayList<>();
        for (long deadline = System.nanoTime() + 30_000_000_000L; batches.isEmpty()
                && System.nanoTime() < deadline; Thread.sleep(250)) {
            HttpResponse<String> listing = send(acmeAuditor, HttpRequest.newBuilder(uri("/v1/audit")));
            assertThat(listing.statusCode()).as(listing.body()).isEqualTo(200);
            GatewayClient.JSON.readTree(listing.body()).path("data").forEach(batches::add);
        }
        assertThat(batches).isNotEmpty();
        HttpResponse<String> batch = send(acmeAuditor, HttpRequest.newBuilder(
                uri("/v1/audit/" + batches.getFirst().path("id").asString())));
        assertThat(batch.statusCode()).isEqualTo(200);
        List<JsonNode> records = batch.body().lines().map(GatewayClient.JSON::readTree).toList();
        assertThat(records).isNotEmpty().allSatisfy(record -> {
            assertThat(record.path("tenant").asString()).isEqualTo("acme");
            assertThat(record.path("decision").asString()).isIn("allow", "deny");
        });
        assertThat(records).anySatisfy(record -> assertThat(record.path("action").asString())
                .isIn("store_artifact", "read_artifact", "record_transcript", "infer"));

        HttpResponse<String> theirs = send(globexAuditor, HttpRequest.newBuilder(
                uri("/v1/audit/" + batches.getFirst().path("id").asString())));
        assertThat(theirs.statusCode()).as("another tenant's batch").isEqualTo(404);
        assertThat(send(acme, HttpRequest.newBuilder(uri("/v1/audit"))).statusCode())
                .as("artifact scopes do not read the audit").isEqualTo(403);
    }

    @Test
    @Order(10)
    void s3OutageIsA503WithRetryAfterAndNothingIsLost() throws Exception {
        HttpResponse<String> created = send(acme, HttpRequest.newBuilder(uri("/v1/artifacts?name=kept"
                + "&data_class=internal")).PUT(HttpRequest.BodyPublishers.ofString("kept")));
        String id = GatewayClient.JSON.readTree(created.body()).path("id").asString();

        stack.stopS3();
        try {
            HttpResponse<String> refused = send(acme, HttpRequest.newBuilder(uri("/v1/artifacts?name=during"
                    + "&data_class=internal")).PUT(HttpRequest.BodyPublishers.ofString("during")));
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
            assertThat(refused.headers().firstValue("retry-after")).isPresent();
            assertThat(GatewayClient.JSON.readTree(refused.body()).path("error").path("code").asString())
                    .isEqualTo("artifact_store_unavailable");
        } finally {
            stack.startS3();
        }
        assertThat(send(acme, HttpRequest.newBuilder(uri("/v1/artifacts/" + id))).body()).isEqualTo("kept");
        JsonNode listing = GatewayClient.JSON.readTree(send(acme, HttpRequest.newBuilder(uri("/v1/artifacts")))
                .body());
        assertThat(listing.path("data").values()).extracting(artifact -> artifact.path("name").asString())
                .contains("kept").doesNotContain("during");
    }

    private HttpResponse<String> send(String token, HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.header("authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String pathAndQuery) {
        return stack.gateway().url(pathAndQuery);
    }
}
