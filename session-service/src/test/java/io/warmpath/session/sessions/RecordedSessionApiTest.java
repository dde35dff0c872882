package io.warmpath.session.sessions;

import java.util.List;
import java.util.Map;

import io.warmpath.assertion.testing.TestAssertions;
import io.warmpath.contracts.WarmpathHeaders;
import io.warmpath.contracts.assertion.Audiences;
import io.warmpath.session.SessionServiceTest;
import io.warmpath.session.redis.RedisKeys;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient.ResponseSpec;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** Sessions that record their transcript: created only when policy-service allows it, and resolved as such. */
class RecordedSessionApiTest extends SessionServiceTest {

    @Autowired
    StringRedisTemplate redis;

    @BeforeEach
    void allowEverything() {
        POLICY.reset();
    }

    @Test
    void aRecordingSessionIsCreatedWhenPolicyAllowsItsClassAndResolvesAsRecording() {
        String policyAssertion = policyAssertion();

        Map<String, Object> created = createRecording(Map.of("workflow", "audited", "data_class", "confidential",
                "region", "eu-west", "record_transcript", true), policyAssertion)
                .expectStatus().isCreated().expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
                }).returnResult().getResponseBody();

        assertThat(created).containsEntry("record_transcript", true);
        JsonNode question = POLICY.requests().getLast();
        assertThat(question.path("action").asString()).isEqualTo("record_transcript");
        assertThat(question.path("resource").path("type").asString()).isEqualTo("Session");
        assertThat(question.path("resource").path("data_class").asString()).isEqualTo("confidential");
        assertThat(question.path("resource").path("region").asString()).isEqualTo("eu-west");
        assertThat(question.path("context").path("data_region").asString()).isEqualTo("eu-west");
        assertThat(question.path("principal").path("tenant").asString()).isEqualTo(tenant);
        // Asked with the assertion the gateway gave the request for policy-service, not with session-service's own.
        assertThat(POLICY.authorizations().getLast()).isEqualTo("Bearer " + policyAssertion);
        assertThat(resolve(tenant, (String) created.get("affinity_token"))).containsEntry("record_transcript", true);
        assertThat(get(tenant, "/v1/sessions/" + created.get("id")).expectBody(Map.class).returnResult()
                .getResponseBody()).containsEntry("record_transcript", true);
    }

    @Test
    void aSessionThatRecordsNothingNeverAsksPolicy() {
        int before = POLICY.calls();

        Map<String, Object> created = createSession(tenant, Map.of("workflow", "plain"));

        assertThat(created).containsEntry("record_transcript", false);
        assertThat(resolve(tenant, (String) created.get("affinity_token"))).containsEntry("record_transcript", false);
        assertThat(POLICY.calls()).isEqualTo(before);
    }

    @Test
    void aDeniedRecordingIsA403NamingTheFieldAndCreatesNoSession() {
        POLICY.allowAll(false);
        long sessionsBefore = sessionKeys();

        JsonNode error = createRecording(Map.of("workflow", "audited", "data_class", "regulated",
                "record_transcript", true), policyAssertion())
                .expectStatus().isForbidden().expectBody(JsonNode.class).returnResult().getResponseBody();

        assertThat(error.path("error").path("code").asString()).isEqualTo("data_class_not_allowed");
        assertThat(error.path("error").path("param").asString()).isEqualTo("record_transcript");
        assertThat(error.path("error").path("message").asString()).contains("regulated");
        assertThat(sessionKeys()).isEqualTo(sessionsBefore);
    }

    @Test
    void noDecisionFailsClosedWithA503ToRetry() {
        POLICY.failWith(503);

        createRecording(Map.of("workflow", "audited", "record_transcript", true), policyAssertion())
                .expectStatus().isEqualTo(503)
                .expectHeader().exists(HttpHeaders.RETRY_AFTER)
                .expectBody().jsonPath("$.error.code").isEqualTo("policy_unavailable");
    }

    @Test
    void withoutTheGatewaysPolicyAssertionNothingCanBeDecidedAndNoSessionIsCreated() {
        createRecording(Map.of("workflow", "audited", "record_transcript", true), null)
                .expectStatus().isEqualTo(503)
                .expectBody().jsonPath("$.error.code").isEqualTo("policy_unavailable");
    }

    @Test
    void recordTranscriptMustBeABoolean() {
        createRecording(Map.of("workflow", "audited", "record_transcript", "yes"), null)
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.param").isEqualTo("record_transcript");
    }

    private ResponseSpec createRecording(Map<String, Object> body, String policyAssertion) {
        return client.post().uri("/v1/sessions").header(HttpHeaders.AUTHORIZATION, bearer(tenant))
                .headers(headers -> {
                    if (policyAssertion != null) {
                        headers.set(WarmpathHeaders.POLICY_ASSERTION, policyAssertion);
                    }
                })
                .contentType(MediaType.APPLICATION_JSON).body(body).exchange();
    }

    private String policyAssertion() {
        return TestAssertions.shared().mint(caller(tenant, SUBJECT, List.of("sessions:write")), Audiences.POLICY);
    }

    private long sessionKeys() {
        // Tests of this context run one at a time: no other test opens a session meanwhile.
        return redis.keys(RedisKeys.session("*")).size();
    }
}
