package io.warmpath.inference;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.warmpath.assertion.testing.TestAssertions;
import io.warmpath.contracts.DataClass;
import io.warmpath.contracts.WarmpathHeaders;
import io.warmpath.contracts.assertion.Assertion;
import io.warmpath.contracts.testing.StubArtifactService;
import io.warmpath.contracts.testing.StubSessionService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A turn of a recorded session is stored at artifact-service after it completes, as a redacted transcript of that
 * session, with the assertion the gateway gave for it; turns of other sessions, and turns that fail, are not.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "warmpath.cell.policy-enabled=false",
        "warmpath.cell.id=cell-transcripts",
        "warmpath.cell.status-interval=100ms",
        "warmpath.cell.transcripts.timeout=2s"})
@AutoConfigureWebTestClient
class TranscriptTest {

    private static final StubEngine engine = new StubEngine();
    private static final StubSessionService sessions = StubSessionService.start();
    private static final StubArtifactService artifacts = StubArtifactService.start();
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String API_KEY = "sk-proj-abcdefghijklmnopqrstuvwxyz012345";
    private static final String PROMPT = "Deploy with key " + API_KEY + " and mail bob@example.com when done.";
    private static final String CHAT = """
            {"model":"stub-model","messages":[{"role":"system","content":"You deploy."},{"role":"user","content":"%s"}]}"""
            .formatted(PROMPT);
    private static final String STREAMED_CHAT = """
            {"model":"stub-model","stream":true,"stream_options":{"include_usage":true},
             "messages":[{"role":"user","content":"%s"}]}""".formatted(PROMPT);

    private final JsonMapper json = JsonMapper.shared();

    @Autowired
    private WebTestClient client;

    @Autowired
    private MeterRegistry meters;

    @DynamicPropertySource
    static void stubs(DynamicPropertyRegistry registry) {
        registry.add("warmpath.cell.engine-url", engine::url);
        registry.add("warmpath.cell.sessions-url", sessions::url);
        registry.add("warmpath.cell.transcripts.artifacts-url", artifacts::url);
    }

    @BeforeEach
    void engineKnown() {
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> client.get().uri("/cell/status")
                .headers(CellCalls.prober()).exchange().expectBody().jsonPath("$.models[0]").isEqualTo(StubEngine.MODEL));
    }

    @AfterEach
    void resetStubs() {
        engine.reset();
        sessions.reset();
        artifacts.reset();
    }

    @AfterAll
    static void stopStubs() {
        engine.close();
        sessions.close();
        artifacts.close();
    }

    @Test
    void anInternalTurnIsStoredAsItsSessionsTranscriptWithSecretsRedactedAndPeopleKept() throws Exception {
        Assertion turn = turn("ses_01JTRANSCRIPTINTERNAL00000", DataClass.INTERNAL);

        chat(turn, CHAT).expectStatus().isOk();

        StubArtifactService.Upload upload = artifacts.nextUpload(WAIT);
        assertThat(upload).as("a stored transcript").isNotNull();
        assertThat(upload.method()).isEqualTo("PUT");
        assertThat(upload.pathAndQuery()).startsWith("/v1/artifacts?name=turn-")
                .contains("session_id=" + turn.session(), "data_class=internal", "label=kind%3Dtranscript",
                        "label=cell%3Dcell-transcripts");
        assertThat(upload.headers().getFirst(HttpHeaders.AUTHORIZATION))
                .isEqualTo("Bearer " + CellCalls.transcriptAssertion(turn));
        assertThat(upload.headers().getFirst(WarmpathHeaders.POLICY_ASSERTION)).isNotBlank();
        assertThat(upload.headers().getFirst(WarmpathHeaders.IDEMPOTENCY_KEY)).startsWith("transcript-");
        JsonNode transcript = json.readTree(upload.body());
        assertThat(transcript.path("session").asString()).isEqualTo(turn.session());
        assertThat(transcript.path("redaction").asString()).isEqualTo("secrets");
        String asked = transcript.path("request").path("messages").get(1).path("content").asString();
        assertThat(asked).doesNotContain(API_KEY).contains("[REDACTED:api_key]").contains("bob@example.com");
        assertThat(transcript.path("response").path("choices").get(0).path("message").path("content").asString())
                .isEqualTo("Hello");
        assertThat(transcript.path("response").path("usage").path("prompt_tokens").asInt()).isEqualTo(11);
        assertThat(upload.bodyText()).doesNotContain(API_KEY);
    }

    @Test
    void aStreamedConfidentialTurnIsPutBackTogetherAndHasPersonalDataRedactedToo() throws Exception {
        Assertion turn = turn("ses_01JTRANSCRIPTSTREAMED00000", DataClass.CONFIDENTIAL);

        String events = chat(turn, STREAMED_CHAT).expectStatus().isOk().returnResult(String.class)
                .getResponseBody().collectList().block(WAIT).toString();
        assertThat(events).contains("[DONE]");

        JsonNode transcript = json.readTree(artifacts.nextUpload(WAIT).body());
        assertThat(transcript.path("redaction").asString()).isEqualTo("all");
        assertThat(transcript.path("data_class").asString()).isEqualTo("confidential");
        String asked = transcript.path("request").path("messages").get(0).path("content").asString();
        assertThat(asked).doesNotContain(API_KEY).doesNotContain("bob@example.com").contains("[REDACTED:email]");
        JsonNode choice = transcript.path("response").path("choices").get(0);
        assertThat(choice.path("message").path("content").asString()).isEqualTo("Hello");
        assertThat(choice.path("finish_reason").asString()).isEqualTo("stop");
        assertThat(transcript.path("response").path("usage").path("completion_tokens").asInt()).isEqualTo(2);
        assertThat(transcript.path("truncated").asBoolean()).isFalse();
    }

    @Test
    void aTurnWithoutTheGatewaysTranscriptAssertionIsNotRecorded() throws Exception {
        client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .headers(CellCalls.turnWithoutLimitsOf("ses_01JTRANSCRIPTNOTRECORDED00"))
                .bodyValue(CHAT).exchange().expectStatus().isOk();

        assertThat(artifacts.nextUpload(Duration.ofSeconds(1))).isNull();
    }

    @Test
    void aFailedTurnIsNotRecorded() throws Exception {
        engine.failStatus = 500;

        chat(turn("ses_01JTRANSCRIPTFAILEDTURN000", DataClass.INTERNAL), CHAT).expectStatus().is5xxServerError();

        assertThat(artifacts.nextUpload(Duration.ofSeconds(1))).isNull();
    }

    @Test
    void aStoreThatFailsIsRetriedWithTheSameKeyAndARefusalIsNot() throws Exception {
        artifacts.failNext(2, 503);
        double storedBefore = count("stored");

        chat(turn("ses_01JTRANSCRIPTRETRIED000000", DataClass.INTERNAL), CHAT).expectStatus().isOk();

        String key = artifacts.nextUpload(WAIT).headers().getFirst(WarmpathHeaders.IDEMPOTENCY_KEY);
        assertThat(artifacts.nextUpload(WAIT).headers().getFirst(WarmpathHeaders.IDEMPOTENCY_KEY)).isEqualTo(key);
        assertThat(artifacts.nextUpload(WAIT).headers().getFirst(WarmpathHeaders.IDEMPOTENCY_KEY)).isEqualTo(key);
        await().atMost(WAIT).until(() -> count("stored") == storedBefore + 1);

        artifacts.failNext(1, 403);
        double refusedBefore = count("refused");
        chat(turn("ses_01JTRANSCRIPTREFUSED000000", DataClass.INTERNAL), CHAT).expectStatus().isOk();
        assertThat(artifacts.nextUpload(WAIT)).isNotNull();
        await().atMost(WAIT).until(() -> count("refused") == refusedBefore + 1);
        assertThat(artifacts.nextUpload(Duration.ofSeconds(1))).as("no retry of a refusal").isNull();
    }

    private WebTestClient.ResponseSpec chat(Assertion turn, String body) {
        return client.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .headers(CellCalls.recordedTurn(turn)).bodyValue(body).exchange();
    }

    private static Assertion turn(String sessionId, DataClass dataClass) {
        return TestAssertions.caller(CellCalls.TENANT).forSession(sessionId, false, dataClass, null);
    }

    private double count(String outcome) {
        var counter = meters.find("warmpath.inference.transcripts").tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }
}
