package io.warmpath.gateway.idempotency;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Map;

import io.warmpath.contracts.errors.ApiErrorException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdempotencyKeyTest {

    private static final byte[] NO_SECRET = new byte[0];

    @Test
    void bareAndQuotedFormsNameTheSameKeyAndQuotesMayEscape() {
        assertThat(IdempotencyKey.parse(List.of("stainless-python-retry-8e03978e"))).isEqualTo(
                IdempotencyKey.parse(List.of("\"stainless-python-retry-8e03978e\"")));
        assertThat(IdempotencyKey.parse(List.of("\"say \\\"hi\\\" twice\"")).value()).isEqualTo("say \"hi\" twice");
    }

    @Test
    void emptyOverlongUnterminatedOrRepeatedKeysAreRefused() {
        for (List<String> values : List.of(List.of(""), List.of("\"\""), List.of("x".repeat(256)), List.of("\"open"),
                List.of("\"a\"b"), List.of("a b"), List.of("caf\u00e9"), List.of("a", "b"))) {
            assertThatThrownBy(() -> IdempotencyKey.parse(values)).as(values.toString())
                    .isInstanceOf(ApiErrorException.class);
        }
    }

    @Test
    void aKeptResponseOpensOnlyWithTheTenantsOwnKeyAndSurvivesTheRoundTrip() throws Exception {
        KeyScope scope = KeyScope.of("acme", new IdempotencyKey("k-1"), NO_SECRET);
        KeptResponse response = new KeptResponse(200, List.of(Map.entry("Content-Type", "text/event-stream")),
                "data: {\"x\":1}\n\ndata: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));

        String sealed = scope.seal(response.encoded());
        KeptResponse opened = KeptResponse.decode(scope.open(sealed));

        assertThat(opened.status()).isEqualTo(200);
        assertThat(opened.headers()).isEqualTo(response.headers());
        assertThat(opened.body()).isEqualTo(response.body());
        assertThat(sealed).doesNotContain("DONE");
        KeyScope otherTenant = KeyScope.of("globex", new IdempotencyKey("k-1"), NO_SECRET);
        assertThat(otherTenant.redisKey()).isNotEqualTo(scope.redisKey());
        assertThatThrownBy(() -> otherTenant.open(sealed)).isInstanceOf(GeneralSecurityException.class);
        KeyScope withSecret = KeyScope.of("acme", new IdempotencyKey("k-1"), "gateways' secret".getBytes());
        assertThat(withSecret.redisKey()).isNotEqualTo(scope.redisKey());
        assertThatThrownBy(() -> withSecret.open(sealed)).isInstanceOf(GeneralSecurityException.class);
    }

    @Test
    void theFingerprintChangesWithBodyPathOrSessionHeaders() {
        KeyScope scope = KeyScope.of("acme", new IdempotencyKey("k-1"), NO_SECRET);
        byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        String fingerprint = scope.fingerprint("POST", "/v1/chat/completions", List.of("s-1", ""), body);

        assertThat(scope.fingerprint("POST", "/v1/chat/completions", List.of("s-1", ""), body)).isEqualTo(fingerprint);
        assertThat(scope.fingerprint("POST", "/v1/completions", List.of("s-1", ""), body)).isNotEqualTo(fingerprint);
        assertThat(scope.fingerprint("POST", "/v1/chat/completions", List.of("s-2", ""), body)).isNotEqualTo(fingerprint);
        assertThat(scope.fingerprint("POST", "/v1/chat/completions", List.of("s-1", ""),
                "{\"a\":2}".getBytes(StandardCharsets.UTF_8))).isNotEqualTo(fingerprint);
    }
}
