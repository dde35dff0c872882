package io.warmpath.contracts.errors;

import java.time.Duration;
import java.util.Arrays;
import java.util.Set;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorCodeTest {

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void everyCodeHasAnErrorStatusAndAnOpenAiType() {
        Set<String> types = Set.of("invalid_request_error", "authentication_error", "permission_error",
                "insufficient_quota", "server_error", "NotFoundError",
                // OpenAI types a 429 for a rate limit by what ran out.
                "requests", "tokens");
        for (ErrorCode code : ErrorCode.values()) {
            assertThat(code.status()).as(code.code()).isBetween(400, 599);
            assertThat(types).as(code.code()).contains(code.type());
            assertThat(ErrorCode.fromCode(code.code())).isEqualTo(code);
        }
        assertThat(Arrays.stream(ErrorCode.values()).filter(code -> code.status() >= 500))
                .allMatch(code -> code.type().equals("server_error"));
    }

    @Test
    void genericCodesCoverEveryStatus() {
        assertThat(ErrorCode.forStatus(415)).isEqualTo(ErrorCode.UNSUPPORTED_MEDIA_TYPE);
        assertThat(ErrorCode.forStatus(431)).isEqualTo(ErrorCode.HEADERS_TOO_LARGE);
        assertThat(ErrorCode.forStatus(418).status()).isEqualTo(400);
        assertThat(ErrorCode.forStatus(599)).isEqualTo(ErrorCode.INTERNAL_ERROR);
        assertThat(ErrorCode.fromCode("no_such_code")).isNull();
    }

    @Test
    void theBodyIsOpenAiErrorJson() {
        ApiError error = ApiError.invalidField("max_tokens", "must be a positive whole number");
        JsonNode body = json.readTree(json.writeValueAsString(error.body()));
        assertThat(body.path("error").path("message").asString()).isEqualTo("'max_tokens' must be a positive whole number.");
        assertThat(body.path("error").path("type").asString()).isEqualTo("invalid_request_error");
        assertThat(body.path("error").path("code").asString()).isEqualTo("invalid_request");
        assertThat(body.path("error").path("param").asString()).isEqualTo("max_tokens");
        assertThat(error.status()).isEqualTo(400);
    }

    @Test
    void aBodyWithoutParamLeavesItOutAndReadsEnginesIntegerCodes() {
        String written = json.writeValueAsString(ApiError.of(ErrorCode.BUDGET_EXCEEDED, "over").body());
        assertThat(written).doesNotContain("param");
        ErrorBody fromVllm = json.readValue(
                "{\"error\":{\"message\":\"bad\",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}}",
                ErrorBody.class);
        assertThat(fromVllm.error().codeText()).isEqualTo("400");
    }

    @Test
    void retryAfterIsWholeSecondsRoundedUp() {
        assertThat(ApiError.retryable(ErrorCode.POLICY_UNAVAILABLE, "later", Duration.ofMillis(1500))
                .retryAfterSeconds()).isEqualTo("2");
        assertThat(ApiError.retryable(ErrorCode.POLICY_UNAVAILABLE, "later", Duration.ZERO).retryAfterSeconds())
                .isEqualTo("1");
        assertThat(ApiError.of(ErrorCode.INTERNAL_ERROR, "x").retryAfterSeconds()).isNull();
    }
}
