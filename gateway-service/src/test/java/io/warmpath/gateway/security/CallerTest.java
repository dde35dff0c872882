package io.warmpath.gateway.security;

import java.util.List;

import io.warmpath.contracts.assertion.Assertion;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.Jwt;

import static org.assertj.core.api.Assertions.assertThat;

class CallerTest {

    @Test
    void theTranscriptScopeIsNeverTakenFromAToken() {
        Jwt spaced = Jwt.withTokenValue("t").header("alg", "RS256").subject("alice")
                .claim("scope", "inference:invoke " + Assertion.TRANSCRIPT_SCOPE + " artifacts:read").build();
        Jwt listed = Jwt.withTokenValue("t").header("alg", "RS256").subject("alice")
                .claim("scp", List.of(Assertion.TRANSCRIPT_SCOPE, "sessions:write")).build();

        assertThat(Caller.of(spaced, "acme").scopes()).containsExactly("inference:invoke", "artifacts:read");
        assertThat(Caller.of(listed, "acme").scopes()).containsExactly("sessions:write");
    }
}
