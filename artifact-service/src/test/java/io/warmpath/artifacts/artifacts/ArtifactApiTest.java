package io.warmpath.artifacts.artifacts;

import static io.warmpath.artifacts.artifacts.ArtifactStoreTestSupport.AUDIT_BUCKET;
import static io.warmpath.artifacts.artifacts.ArtifactStoreTestSupport.HTTP;
import static io.warmpath.artifacts.artifacts.ArtifactStoreTestSupport.LOCAL_BUCKET;
import static io.warmpath.artifacts.artifacts.ArtifactStoreTestSupport.POLICY;
import static io.warmpath.artifacts.artifacts.ArtifactStoreTestSupport.bearer;
import static io.warmpath.artifacts.artifacts.ArtifactStoreTestSupport.caller;
import static io.warmpath.artifacts.artifacts.ArtifactStoreTestSupport.keysIn;
import static io.warmpath.artifacts.artifacts.ArtifactStoreTestSupport.policyAssertion;
import static io.warmpath.artifacts.artifacts.ArtifactStoreTestSupport.putObject;
import static io.warmpath.artifacts.artifacts.ArtifactStoreTestSupport.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Random;

import io.warmpath.contracts.DataClass;
import io.warmpath.contracts.Ids;
import io.warmpath.contracts.WarmpathHeaders;
import io.warmpath.contracts.assertion.Assertion;
import io.warmpath.contracts.audit.AuditKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The artifact API over real HTTP against a real S3 server (S3Proxy), with policy-service's stub. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ArtifactApiTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Assertion ACME = caller("acme");

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) {
        ArtifactStoreTestSupport.properties(registry);
    }

    @AfterEach
    void resetPolicy() {
        POLICY.reset();
    }

    @Test
    void uploadedBytesComeBackIdenticalWithTheirHash() throws Exception {
        byte[] bytes = "tool output: 42 files changed\n".getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> created = put(ACME, "?name=diff.txt&label=tool%3Dgit&label=step%3D3", bytes,
                "text/plain");

        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode artifact = JSON.readTree(created.body());
        String id = artifact.path("id").asString();
        assertThat(id).startsWith("art_");
        assertThat(created.headers().firstValue("location")).hasValue("/v1/artifacts/" + id);
        assertThat(artifact.path("sha256").asString()).isEqualTo(sha256(bytes));
        assertThat(artifact.path("size").asLong()).isEqualTo(bytes.length);
        assertThat(artifact.path("region").asString()).isEqualTo("local");
        assertThat(artifact.path("data_class").asString()).isEqualTo("internal");
        assertThat(artifact.path("labels").path("tool").asString()).isEqualTo("git");

        HttpResponse<byte[]> download = get(ACME, "/" + id, null);
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(bytes);
        assertThat(download.headers().firstValue("content-type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("text/plain"));
        assertThat(download.headers().firstValue("etag")).hasValue("\"" + sha256(bytes) + "\"");
        assertThat(download.headers().firstValue("x-content-type-options")).hasValue("nosniff");

        JsonNode metadata = JSON.readTree(get(ACME, "/" + id + "/metadata", null).body());
        assertThat(metadata.path("name").asString()).isEqualTo("diff.txt");
        assertThat(metadata.path("created_by").asString()).isEqualTo("user-acme");
    }

    @Test
    void bodyDeclaredAsAFormIsStoredAsItCameNotParsed() throws Exception {
        byte[] bytes = "a=1&access_token=x&b=%ZZ".getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> created = put(ACME, "?name=form.txt", bytes, "application/x-www-form-urlencoded");

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = JSON.readTree(created.body()).path("id").asString();
        assertThat(get(ACME, "/" + id, null).body()).isEqualTo(bytes);
    }

    @Test
    void largeUploadKeepsItsHashWhetherItsLengthIsKnownOrItComesChunkedInParts() throws Exception {
        byte[] bytes = new byte[12 * 1024 * 1024 + 7];
        new Random(7).nextBytes(bytes);

        HttpResponse<String> known = put(ACME, "?name=big.bin&sha256=" + sha256(bytes), bytes,
                "application/octet-stream");
        HttpResponse<String> chunked = send(ACME, HttpRequest.newBuilder(uri("?name=big.bin&sha256=" + sha256(bytes)))
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))),
                HttpResponse.BodyHandlers.ofString());

        for (HttpResponse<String> created : List.of(known, chunked)) {
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            String id = JSON.readTree(created.body()).path("id").asString();
            assertThat(get(ACME, "/" + id, null).body()).isEqualTo(bytes);
        }
    }

    @Test
    void rangesServePartsAndARangePastTheEndIs416() throws Exception {
        String id = created(ACME, "0123456789".getBytes(StandardCharsets.UTF_8));

        HttpResponse<byte[]> middle = get(ACME, "/" + id, "bytes=2-5");
        assertThat(middle.statusCode()).isEqualTo(206);
        assertThat(new String(middle.body(), StandardCharsets.UTF_8)).isEqualTo("2345");
        assertThat(middle.headers().firstValue("content-range")).hasValue("bytes 2-5/10");

        HttpResponse<byte[]> suffix = get(ACME, "/" + id, "bytes=-3");
        assertThat(new String(suffix.body(), StandardCharsets.UTF_8)).isEqualTo("789");

        HttpResponse<byte[]> past = get(ACME, "/" + id, "bytes=10-");
        assertThat(past.statusCode()).isEqualTo(416);
        assertThat(past.headers().firstValue("content-range")).hasValue("bytes */10");
        assertThat(code(past)).isEqualTo("range_not_satisfiable");
    }

    @Test
    void anotherTenantsArtifactIsNotFoundAnywhere() throws Exception {
        String id = created(ACME, "acme's notes".getBytes(StandardCharsets.UTF_8));
        Assertion globex = caller("globex");

        assertThat(get(globex, "/" + id, null).statusCode()).isEqualTo(404);
        assertThat(code(get(globex, "/" + id + "/metadata", null))).isEqualTo("artifact_not_found");
        assertThat(send(globex, HttpRequest.newBuilder(uri("/" + id)).DELETE()).statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(get(globex, "", null).body()).path("data").values())
                .noneMatch(artifact -> artifact.path("id").asString().equals(id));
        assertThat(get(ACME, "/" + id, null).statusCode()).as("still there for its tenant").isEqualTo(200);
    }

    @Test
    void wrongHashIsRefusedAndNothingIsStored() throws Exception {
        List<String> before = keysIn(LOCAL_BUCKET);
        byte[] bytes = "the real bytes".getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> refused = put(ACME, "?name=x&sha256=" + sha256("other bytes".getBytes()), bytes,
                "text/plain");

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(refused.body()).path("error").path("code").asString())
                .isEqualTo("content_hash_mismatch");
        assertThat(keysIn(LOCAL_BUCKET)).containsExactlyInAnyOrderElementsOf(before);
    }

    @Test
    void overTheTenantsLimitIs413WhetherAnnouncedOrFoundWhileStreaming() throws Exception {
        List<String> before = keysIn(LOCAL_BUCKET);
        Assertion tiny = caller("tiny");
        Assertion medium = caller("medium");

        HttpResponse<String> announced = put(tiny, "?name=x", new byte[17], "application/octet-stream");
        assertThat(announced.statusCode()).isEqualTo(413);
        assertThat(put(tiny, "?name=x", new byte[16], "application/octet-stream").statusCode()).isEqualTo(201);

        // Sent chunked: the size is found out part by part, and the multipart upload is aborted.
        byte[] seven = new byte[7 * 1024 * 1024];
        HttpResponse<String> streamed = send(medium, HttpRequest.newBuilder(uri("?name=y"))
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(seven))),
                HttpResponse.BodyHandlers.ofString());
        assertThat(streamed.statusCode()).isEqualTo(413);
        assertThat(keysIn(LOCAL_BUCKET)).hasSize(before.size() + 2).as("the 16 bytes and their metadata only");
    }

    @Test
    void idempotencyKeyGivesTheSameArtifactOnceAndRefusesOtherBytes() throws Exception {
        byte[] bytes = "checkpoint 7".getBytes(StandardCharsets.UTF_8);
        String key = "retry-" + System.nanoTime();

        HttpResponse<String> first = send(ACME, upload("?name=c.json", bytes).header("Idempotency-Key", key),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> again = send(ACME, upload("?name=c.json", bytes).header("Idempotency-Key", key),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> other = send(ACME, upload("?name=c.json", "checkpoint 8".getBytes())
                .header("Idempotency-Key", key), HttpResponse.BodyHandlers.ofString());

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.headers().firstValue("idempotent-replayed")).hasValue("true");
        assertThat(JSON.readTree(again.body()).path("id").asString())
                .isEqualTo(JSON.readTree(first.body()).path("id").asString());
        assertThat(other.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(other.body()).path("error").path("code").asString())
                .isEqualTo("idempotency_key_reused");

        // Once its artifact is gone, the key names nothing: the next upload with it is stored anew, whole.
        String firstId = JSON.readTree(first.body()).path("id").asString();
        assertThat(send(ACME, HttpRequest.newBuilder(uri("/" + firstId)).DELETE()).statusCode()).isEqualTo(204);
        HttpResponse<String> anew = send(ACME, HttpRequest.newBuilder(uri("?name=c.json"))
                .header("Idempotency-Key", key)
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))),
                HttpResponse.BodyHandlers.ofString());
        assertThat(anew.statusCode()).as(anew.body()).isEqualTo(201);
        assertThat(JSON.readTree(anew.body()).path("size").asLong()).isEqualTo(bytes.length);
    }

    @Test
    void headAnswersTheDownloadsHeadersWithoutItsBytes() throws Exception {
        String id = created(ACME, "0123456789".getBytes(StandardCharsets.UTF_8));

        HttpResponse<byte[]> head = send(ACME, HttpRequest.newBuilder(uri("/" + id))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("content-length")).hasValue("10");
        assertThat(head.headers().firstValue("etag")).isPresent();
        assertThat(head.body()).isEmpty();
    }

    @Test
    void sessionListingPagesInCreationOrder() throws Exception {
        String session = Ids.random("ses_");
        Assertion lister = caller("lister-" + System.nanoTime());
        String first = JSON.readTree(put(lister, "?name=1&session_id=" + session, new byte[] {1}, "x/y").body())
                .path("id").asString();
        String second = JSON.readTree(put(lister, "?name=2&session_id=" + session, new byte[] {2}, "x/y").body())
                .path("id").asString();
        String third = JSON.readTree(put(lister, "?name=3&session_id=" + session, new byte[] {3}, "x/y").body())
                .path("id").asString();
        created(lister, new byte[] {4});

        JsonNode page = JSON.readTree(get(lister, "?session=" + session + "&limit=2", null).body());
        assertThat(page.path("data").values()).extracting(artifact -> artifact.path("id").asString())
                .containsExactly(first, second);
        String cursor = page.path("next_cursor").asString();
        JsonNode next = JSON.readTree(get(lister, "?session=" + session + "&limit=2&cursor=" + cursor, null).body());
        assertThat(next.path("data").values()).extracting(artifact -> artifact.path("id").asString())
                .containsExactly(third);
        assertThat(next.has("next_cursor")).isFalse();
        assertThat(JSON.readTree(get(lister, "", null).body()).path("data").values()).hasSize(4);
    }

    @Test
    void deleteRemovesEverythingUnlessOnLegalHold() throws Exception {
        List<String> before = keysIn(LOCAL_BUCKET);
        String held = created(ACME, "evidence".getBytes(StandardCharsets.UTF_8));
        String scratch = created(ACME, "scratch".getBytes(StandardCharsets.UTF_8));

        assertThat(send(ACME, holding(held), HttpResponse.BodyHandlers.ofString()).statusCode())
                .as("a writer may not hold (nor lift a hold)").isEqualTo(403);
        Assertion admin = new Assertion("acme", "records-officer", List.of("artifacts:read", "artifacts:admin"),
                List.of(), null, null, null, DataClass.INTERNAL, null, null, false);
        HttpResponse<String> hold = send(admin, holding(held), HttpResponse.BodyHandlers.ofString());
        assertThat(hold.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(hold.body()).path("legal_hold").asBoolean()).isTrue();

        assertThat(send(ACME, HttpRequest.newBuilder(uri("/" + held)).DELETE()).statusCode()).isEqualTo(409);
        assertThat(send(ACME, HttpRequest.newBuilder(uri("/" + scratch)).DELETE()).statusCode()).isEqualTo(204);
        assertThat(get(ACME, "/" + scratch, null).statusCode()).isEqualTo(404);
        assertThat(keysIn(LOCAL_BUCKET)).hasSize(before.size() + 2).as("only the held artifact's two objects");
    }

    @Test
    void presignedUrlReadsWithoutCredentialsUntilItExpires() throws Exception {
        byte[] bytes = "shared report".getBytes(StandardCharsets.UTF_8);
        String id = created(ACME, bytes);

        HttpResponse<String> presigned = send(ACME, HttpRequest.newBuilder(uri("/" + id + "/url"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"expires_in\":3}")), HttpResponse.BodyHandlers.ofString());
        assertThat(presigned.statusCode()).as(presigned.body()).isEqualTo(200);
        URI url = URI.create(JSON.readTree(presigned.body()).path("url").asString());

        assertThat(ArtifactStoreTestSupport.get(url).body()).isEqualTo(bytes);
        // Signatures count from a whole second: a 3 s URL is good for 2 to 3 s.
        Thread.sleep(4_100);
        assertThat(ArtifactStoreTestSupport.get(url).statusCode()).as("expired").isEqualTo(403);

        HttpResponse<String> tooLong = send(ACME, HttpRequest.newBuilder(uri("/" + id + "/url"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"expires_in\":86400}")),
                HttpResponse.BodyHandlers.ofString());
        assertThat(tooLong.statusCode()).isEqualTo(400);
    }

    @Test
    void policyDecidesEveryWriteAndReadAndFailsClosed() throws Exception {
        POLICY.rawAnswer("{\"decisions\":[{\"decision\":\"deny\",\"policies\":[\"regulated-outside-tenant-regions\"],"
                + "\"reason\":\"regulated data may be processed only in the regions its tenant allows\"}]}");
        HttpResponse<String> denied = put(ACME, "?name=r&data_class=regulated&region=eu", new byte[] {1}, "x/y");
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(denied.body()).path("error").path("code").asString()).isEqualTo("region_not_allowed");
        JsonNode question = JSON.readTree(POLICY.bodies().getLast()).path("requests").get(0);
        assertThat(question.path("action").asString()).isEqualTo("store_artifact");
        assertThat(question.path("resource").path("region").asString()).isEqualTo("eu");
        assertThat(question.path("resource").path("data_class").asString()).isEqualTo("regulated");

        POLICY.reset();
        POLICY.failWith(500);
        // A caller whose allow is not held from an earlier test.
        HttpResponse<String> unavailable = put(caller("unseen-" + System.nanoTime()), "?name=r", new byte[] {1},
                "x/y");
        assertThat(unavailable.statusCode()).isEqualTo(503);
        assertThat(unavailable.headers().firstValue("retry-after")).isPresent();
    }

    @Test
    void anAllowIsKeptAcrossArtifactsOfTheSameClassAndRegion() throws Exception {
        Assertion fresh = caller("cached-" + System.nanoTime());
        int before = POLICY.calls();

        created(fresh, new byte[] {1});
        created(fresh, new byte[] {2});
        String third = created(fresh, new byte[] {3});
        get(fresh, "/" + third, null);

        assertThat(POLICY.calls() - before).as("one decision to store, one to read").isEqualTo(2);
    }

    @Test
    void badParametersAreClearErrors() throws Exception {
        assertThat(code(put(ACME, "", new byte[] {1}, "x/y"))).isEqualTo("missing_required_parameter");
        assertThat(code(put(ACME, "?name=a&data_class=secret", new byte[] {1}, "x/y"))).isEqualTo("invalid_data_class");
        assertThat(code(put(ACME, "?name=a&session_id=nope", new byte[] {1}, "x/y"))).isEqualTo("invalid_request");
        assertThat(code(put(ACME, "?name=a&label=Bad%20Key%3Dv", new byte[] {1}, "x/y"))).isEqualTo("invalid_request");
        assertThat(code(put(ACME, "?name=a&sha256=xyz", new byte[] {1}, "x/y"))).isEqualTo("invalid_request");
        assertThat(code(put(ACME, "?name=a&region=mars", new byte[] {1}, "x/y"))).isEqualTo("invalid_request");
        assertThat(code(put(ACME, "?name=a&retention_days=400", new byte[] {1}, "x/y"))).isEqualTo("invalid_request");
        assertThat(code(get(ACME, "?limit=1000", null))).isEqualTo("invalid_request");
        assertThat(code(get(ACME, "?cursor=abc", null))).isEqualTo("invalid_request");
        assertThat(get(ACME, "/not-an-id", null).statusCode()).isEqualTo(404);
    }

    @Test
    void scopesAreCheckedByTheServiceItself() throws Exception {
        Assertion readOnly = new Assertion("acme", "reader", List.of("artifacts:read"), List.of(), null, null, null,
                DataClass.INTERNAL, null, null, false);
        assertThat(put(readOnly, "?name=x", new byte[] {1}, "x/y").statusCode()).isEqualTo(403);
        assertThat(HTTP.send(HttpRequest.newBuilder(uri("")).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(401);
    }

    @Test
    void aCellStoresItsSessionsTranscriptWithTheTranscriptScopeAndNothingElse() throws Exception {
        String tenant = "transcripts-" + Ids.random("t_").substring(2, 10);
        String session = Ids.random("ses_");
        Assertion turn = new Assertion(tenant, "agent", List.of(Assertion.TRANSCRIPT_SCOPE), List.of(), null, null,
                null, DataClass.CONFIDENTIAL, "eu", session, false);
        Assertion owner = caller(tenant);

        HttpResponse<String> stored = put(turn, "?name=turn.json&session_id=" + session
                + "&data_class=confidential&label=kind%3Dtranscript&label=cell%3Dcell-1", "{}".getBytes(),
                "application/json");

        assertThat(stored.statusCode()).as(stored.body()).isEqualTo(201);
        JsonNode transcript = JSON.readTree(stored.body());
        // The session is pinned to eu: its transcript is kept there, not in the caller's default region.
        assertThat(transcript.path("region").asString()).isEqualTo("eu");
        assertThat(transcript.path("data_class").asString()).isEqualTo("confidential");
        String other = created(owner, new byte[] {7});
        JsonNode listed = JSON.readTree(get(owner, "?session=" + session + "&kind=transcript", null).body());
        assertThat(listed.path("data").values()).extracting(item -> item.path("id").asString())
                .containsExactly(transcript.path("id").asString());
        assertThat(JSON.readTree(get(owner, "?kind=transcript", null).body()).path("data").values())
                .extracting(item -> item.path("id").asString()).doesNotContain(other);

        // The transcript scope writes only its own session's transcript, of its class, where policy puts it.
        assertThat(code(put(turn, "?name=x&session_id=" + Ids.random("ses_") + "&label=kind%3Dtranscript",
                new byte[] {1}, "x/y"))).isEqualTo("insufficient_scope");
        assertThat(code(put(turn, "?name=x&session_id=" + session, new byte[] {1}, "x/y")))
                .isEqualTo("insufficient_scope");
        assertThat(code(put(turn, "?name=x&session_id=" + session + "&data_class=public&label=kind%3Dtranscript",
                new byte[] {1}, "x/y"))).isEqualTo("insufficient_scope");
        assertThat(code(put(turn, "?name=x&session_id=" + session + "&region=local&label=kind%3Dtranscript",
                new byte[] {1}, "x/y"))).isEqualTo("insufficient_scope");
        assertThat(get(turn, "?session=" + session, null).statusCode()).isEqualTo(403);
        assertThat(get(turn, "/" + transcript.path("id").asString(), null).statusCode()).isEqualTo(403);
        // And nobody else writes a transcript: the label is reserved.
        HttpResponse<String> forged = put(owner, "?name=x&session_id=" + session + "&label=kind%3Dtranscript",
                new byte[] {1}, "x/y");
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(code(forged)).isEqualTo("insufficient_scope");
    }

    @Test
    void aCellStoresItsSessionsCheckpointsWithTheCheckpointScopeAndNothingElse() throws Exception {
        String tenant = "checkpoints-" + Ids.random("t_").substring(2, 10);
        String session = Ids.random("ses_");
        Assertion turn = new Assertion(tenant, "agent", List.of(Assertion.CHECKPOINT_SCOPE), List.of(), null, null,
                null, DataClass.INTERNAL, null, session, true);
        Assertion transcripts = new Assertion(tenant, "agent", List.of(Assertion.TRANSCRIPT_SCOPE), List.of(), null,
                null, null, DataClass.INTERNAL, null, session, true);

        HttpResponse<String> stored = put(turn, "?name=checkpoint-12.json&session_id=" + session
                + "&data_class=internal&label=kind%3Dcheckpoint&label=cell%3Dcell-1", "{}".getBytes(),
                "application/json");

        assertThat(stored.statusCode()).as(stored.body()).isEqualTo(201);
        JsonNode listed = JSON.readTree(get(caller(tenant), "?session=" + session + "&kind=checkpoint", null).body());
        assertThat(listed.path("data").values()).extracting(item -> item.path("id").asString())
                .containsExactly(JSON.readTree(stored.body()).path("id").asString());
        // Each scope writes its own kind only, and nobody else writes a checkpoint.
        assertThat(code(put(turn, "?name=x&session_id=" + session + "&label=kind%3Dtranscript", new byte[] {1},
                "x/y"))).isEqualTo("insufficient_scope");
        assertThat(code(put(transcripts, "?name=x&session_id=" + session + "&label=kind%3Dcheckpoint",
                new byte[] {1}, "x/y"))).isEqualTo("insufficient_scope");
        assertThat(code(put(turn, "?name=x&session_id=" + Ids.random("ses_") + "&label=kind%3Dcheckpoint",
                new byte[] {1}, "x/y"))).isEqualTo("insufficient_scope");
        assertThat(code(put(caller(tenant), "?name=x&session_id=" + session + "&label=kind%3Dcheckpoint",
                new byte[] {1}, "x/y"))).isEqualTo("insufficient_scope");
    }

    @Test
    void theTenantsAuditBatchesAreListedInTimeOrderAndReadOnlyByThatTenant() throws Exception {
        String tenant = "audited-" + Ids.random("t_").substring(2, 10);
        Assertion auditor = new Assertion(tenant, "auditor", List.of("audit:read"), List.of(), null, null, null,
                DataClass.INTERNAL, null, null, false);
        String early = AuditKeys.batchId(Instant.parse("2026-12-07T09:00:00Z"), "policy-a", 1);
        String late = AuditKeys.batchId(Instant.parse("2026-12-07T11:00:00Z"), "policy-b", 7);
        putObject(AUDIT_BUCKET, AuditKeys.batchKey(tenant, late), "{\"decision\":\"deny\"}\n");
        putObject(AUDIT_BUCKET, AuditKeys.batchKey(tenant, early), "{\"decision\":\"allow\"}\n");
        putObject(AUDIT_BUCKET, AuditKeys.batchKey("someone-else", early), "{\"decision\":\"theirs\"}\n");

        JsonNode all = JSON.readTree(send(auditor, HttpRequest.newBuilder(audit(""))).body());
        assertThat(all.path("data").values()).extracting(batch -> batch.path("id").asString())
                .containsExactly(early, late);
        assertThat(all.path("data").get(0).path("written_at").asString()).isEqualTo("2026-12-07T09:00:00Z");
        JsonNode paged = JSON.readTree(send(auditor, HttpRequest.newBuilder(audit("?limit=1"))).body());
        assertThat(paged.path("next_cursor").asString()).isEqualTo(early);
        assertThat(JSON.readTree(send(auditor, HttpRequest.newBuilder(audit("?cursor=" + early))).body())
                .path("data").values()).extracting(batch -> batch.path("id").asString()).containsExactly(late);
        assertThat(JSON.readTree(send(auditor, HttpRequest.newBuilder(audit("?from=2026-12-07T10:00:00Z"))).body())
                .path("data").values()).extracting(batch -> batch.path("id").asString()).containsExactly(late);

        HttpResponse<String> batch = send(auditor, HttpRequest.newBuilder(audit("/" + early)));
        assertThat(batch.statusCode()).isEqualTo(200);
        assertThat(batch.body()).isEqualTo("{\"decision\":\"allow\"}\n");
        assertThat(batch.headers().firstValue("content-type")).hasValueSatisfying(type ->
                assertThat(type).startsWith(AuditKeys.MEDIA_TYPE));

        // Another tenant's auditor finds nothing of it; a reader of artifacts may not read the audit at all.
        Assertion stranger = new Assertion("someone-else", "auditor", List.of("audit:read"), List.of(), null, null,
                null, DataClass.INTERNAL, null, null, false);
        assertThat(send(stranger, HttpRequest.newBuilder(audit("/" + late))).statusCode()).isEqualTo(404);
        assertThat(send(ACME, HttpRequest.newBuilder(audit(""))).statusCode()).isEqualTo(403);
        assertThat(code(send(auditor, HttpRequest.newBuilder(audit("?from=yesterday"))))).isEqualTo("invalid_request");
        assertThat(send(auditor, HttpRequest.newBuilder(audit("/not-a-batch"))).statusCode()).isEqualTo(404);
    }

    private URI audit(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + "/v1/audit" + pathAndQuery);
    }

    private HttpRequest.Builder holding(String id) {
        return HttpRequest.newBuilder(uri("/" + id + "/legal-hold")).header("content-type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"hold\":true}"));
    }

    private String created(Assertion caller, byte[] bytes) throws Exception {
        HttpResponse<String> response = put(caller, "?name=n", bytes, "application/octet-stream");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return JSON.readTree(response.body()).path("id").asString();
    }

    private HttpResponse<String> put(Assertion caller, String query, byte[] bytes, String contentType)
            throws Exception {
        return send(caller, upload(query, bytes).header("content-type", contentType),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder upload(String query, byte[] bytes) {
        return HttpRequest.newBuilder(uri(query)).PUT(HttpRequest.BodyPublishers.ofByteArray(bytes));
    }

    private HttpResponse<byte[]> get(Assertion caller, String path, String range) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path));
        if (range != null) {
            request.header("range", range);
        }
        return send(caller, request, HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<String> send(Assertion caller, HttpRequest.Builder request) throws Exception {
        return send(caller, request, HttpResponse.BodyHandlers.ofString());
    }

    private <T> HttpResponse<T> send(Assertion caller, HttpRequest.Builder request, HttpResponse.BodyHandler<T> body)
            throws Exception {
        return HTTP.send(request.header("authorization", bearer(caller))
                .header(WarmpathHeaders.POLICY_ASSERTION, policyAssertion(caller)).build(), body);
    }

    private URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + "/v1/artifacts" + pathAndQuery);
    }

    private static String code(HttpResponse<?> response) {
        String body = response.body() instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8)
                : String.valueOf(response.body());
        return JSON.readTree(body).path("error").path("code").asString();
    }
}
