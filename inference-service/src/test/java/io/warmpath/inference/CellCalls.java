package io.warmpath.inference;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import io.warmpath.assertion.testing.TestAssertions;
import io.warmpath.contracts.WarmpathHeaders;
import io.warmpath.contracts.assertion.Assertion;
import io.warmpath.contracts.assertion.Audiences;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The headers the gateway sends a cell, for tests: assertions signed with the shared test key. */
final class CellCalls {

    static final String TENANT = "acme";

    private CellCalls() {
    }

    /** A caller of {@link #TENANT} without a session. */
    static Consumer<HttpHeaders> caller() {
        return as(TestAssertions.caller(TENANT));
    }

    /** A turn of a session with limits (its cell reserves). */
    static Consumer<HttpHeaders> turnOf(String sessionId) {
        return as(TestAssertions.sessionTurn(TENANT, sessionId, true));
    }

    /** A turn of a session without limits (its cell records the turn afterwards). */
    static Consumer<HttpHeaders> turnWithoutLimitsOf(String sessionId) {
        return as(TestAssertions.sessionTurn(TENANT, sessionId, false));
    }

    /** The gateway's prober. */
    static Consumer<HttpHeaders> prober() {
        return headers -> headers.setBearerAuth(TestAssertions.shared().mint(
                Assertion.service("warmpath-gateway", List.of(SecurityConfiguration.STATUS_SCOPE)),
                Audiences.INFERENCE));
    }

    /** The assertion for the cell and the ones for its calls to session-service and policy-service. */
    static Consumer<HttpHeaders> as(Assertion assertion) {
        TestAssertions keys = TestAssertions.shared();
        return headers -> {
            headers.setBearerAuth(keys.mint(assertion, Audiences.INFERENCE));
            headers.set(WarmpathHeaders.SESSIONS_ASSERTION, keys.mint(assertion, Audiences.SESSIONS));
            headers.set(WarmpathHeaders.POLICY_ASSERTION, keys.mint(assertion, Audiences.POLICY));
        };
    }

    /** A turn of a session that records its transcript: the gateway adds the assertion to store it with. */
    static Consumer<HttpHeaders> recordedTurn(Assertion turn) {
        return as(turn).andThen(headers -> headers.set(WarmpathHeaders.ARTIFACTS_ASSERTION,
                transcriptAssertion(turn)));
    }

    /** The assertion the gateway gives a recorded turn for artifact-service. */
    static String transcriptAssertion(Assertion turn) {
        return TestAssertions.shared().mint(turn.withScopes(List.of(Assertion.TRANSCRIPT_SCOPE)),
                Audiences.ARTIFACTS);
    }

    /** A client of the cell's actuator, on its own port. */
    static WebTestClient management(int port) {
        return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).responseTimeout(Duration.ofSeconds(30))
                .build();
    }

    /** The {@code Authorization} a turn of {@code assertion} sends session-service. */
    static String sessionsBearer(Assertion assertion) {
        return "Bearer " + TestAssertions.shared().mint(assertion, Audiences.SESSIONS);
    }
}
