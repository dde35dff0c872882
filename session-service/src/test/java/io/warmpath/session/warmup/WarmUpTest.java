package io.warmpath.session.warmup;

import java.util.Map;

import io.warmpath.session.SessionServiceTest;
import io.warmpath.session.TestRedis;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "warmpath.session.warm-up-rounds=20")
@AutoConfigureRestTestClient
class WarmUpTest {

    @Autowired
    RestTestClient client;

    @Autowired
    ApplicationAvailability availability;

    @Autowired
    WarmUp warmUp;

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        TestRedis.register(registry);
    }

    @Test
    void startupSendsTurnsThroughTheRealApiBeforeTheServiceIsReady() {
        assertThat(warmUp.readinessWhileWarming()).as("not ready while warming up")
                .isEqualTo(ReadinessState.REFUSING_TRAFFIC);
        assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.ACCEPTING_TRAFFIC);

        // 20 rounds over 16 sessions: warm-up-0 had rounds 0 and 16 (recorded turns), warm-up-1 rounds 1 and 17
        // (reserved and settled).
        assertThat(usageOf("warm-up-0")).containsEntry("turns", 2).containsEntry("reserved_tokens", 0);
        assertThat(usageOf("warm-up-1")).containsEntry("turns", 2).containsEntry("reserved_tokens", 0)
                .containsEntry("prompt_tokens", 200);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> usageOf(String affinity) {
        Map<String, Object> session = client.post().uri("/internal/resolve").header(HttpHeaders.AUTHORIZATION, SessionServiceTest.bearer(WarmUp.TENANT))
                .contentType(MediaType.APPLICATION_JSON).body(Map.of("affinity", affinity)).exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        return client.get().uri("/v1/sessions/" + session.get("session_id") + "/usage")
                .header(HttpHeaders.AUTHORIZATION, SessionServiceTest.bearer(WarmUp.TENANT)).exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
    }
}
