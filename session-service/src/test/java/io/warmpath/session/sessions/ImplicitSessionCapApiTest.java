package io.warmpath.session.sessions;

import java.time.Duration;
import java.util.Map;

import io.warmpath.session.SessionServiceTest;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The cap on a tenant's open implicit sessions: a new affinity value past it is a 429, while the tenant's open
 * sessions go on resolving; a session that closes or expires gives its place back. Tenant {@code capped} may have 2,
 * {@code capped-briefly} 1 that lives a second.
 */
class ImplicitSessionCapApiTest extends SessionServiceTest {

    @Test
    void aNewImplicitSessionPastTheCapIs429WhileTheOpenOnesStillResolveAndClosingOneFreesItsPlace() {
        String first = (String) resolve("capped", "cap-first").get("session_id");
        resolve("capped", "cap-second");

        post("capped", "/internal/resolve", Map.of("affinity", "cap-third")).expectStatus().isEqualTo(429)
                .expectHeader().exists(HttpHeaders.RETRY_AFTER)
                .expectBody().jsonPath("$.error.code").isEqualTo("session_limit_exceeded");
        assertThat(resolve("capped", "cap-first").get("session_id")).isEqualTo(first);
        // Another tenant is not held to this one's cap.
        resolve(tenant, "cap-third");

        delete("capped", "/v1/sessions/" + first).expectStatus().isNoContent();
        assertThat(resolve("capped", "cap-third")).containsEntry("implicit", true);
    }

    @Test
    void anExpiredSessionGivesItsPlaceBack() {
        resolve("capped-briefly", "brief-first");
        post("capped-briefly", "/internal/resolve", Map.of("affinity", "brief-second")).expectStatus()
                .isEqualTo(429);

        // The first session expires after a second; the tenant's places are checked at most every 5 s, and a place
        // claimed within the last 10 s (by the service's clock) is left alone.
        clock.advance(ImplicitSessionCap.CLAIM_GRACE.plusSeconds(1));
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                post("capped-briefly", "/internal/resolve", Map.of("affinity", "brief-second")).expectStatus().isOk());
    }
}
