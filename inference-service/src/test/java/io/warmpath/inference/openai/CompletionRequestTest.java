package io.warmpath.inference.openai;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import io.warmpath.contracts.errors.ApiErrorException;
import io.warmpath.inference.openai.CompletionRequest.Endpoint;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CompletionRequestTest {

    private static final String SALT = "0123456789abcdef0123456789abcdef";

    private final JsonMapper json = JsonMapper.shared();

    @Test
    void streamAlwaysAsksTheEngineForUsageButRemembersTheClientDidNot() {
        var request = parse(Endpoint.CHAT, """
                {"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]}""");

        assertThat(request.stream()).isTrue();
        assertThat(request.clientWantsUsage()).isFalse();
        var engineBody = engineBody(request);
        assertThat(engineBody.path("stream_options").path("include_usage").asBoolean()).isTrue();
        assertThat(engineBody.path("messages").get(0).path("content").stringValue()).isEqualTo("hi");
    }

    @Test
    void engineGetsTheClientsFieldsAndTheCellsCacheSaltInsteadOfTheClients() {
        String body = """
                {"model":"m", "messages":[{"role":"user","content":"h\u00e9"}],  "temperature": 0.5,
                 "cache_salt":"chosen-by-the-client","max_tokens":5,"max_completion_tokens":6,"n":2}""";
        var request = parse(Endpoint.CHAT, body);

        var engineBody = engineBody(request);
        var expected = (ObjectNode) json.readTree(body);
        expected.put("cache_salt", SALT);
        assertThat(engineBody).isEqualTo(expected);
        String streamWithUsage = """
                {"stream":true,"stream_options":{"include_usage":true},"prompt":"once upon"}""";
        var completion = parse(Endpoint.COMPLETIONS, streamWithUsage);
        assertThat(completion.clientWantsUsage()).isTrue();
        assertThat(engineBody(completion).path("cache_salt").asString()).isEqualTo(SALT);
        assertThat(completion.model()).isNull();
    }

    @Test
    void validatedBodyIsNotChangedByWhatTheEngineGets() {
        var request = parse(Endpoint.CHAT, """
                {"max_completion_tokens":6,"messages":[{"role":"user"}]}""");

        request.engineBody(SALT, 777, null, json);

        assertThat(request.body().has("cache_salt")).isFalse();
        assertThat(request.body().path("max_completion_tokens").asInt()).isEqualTo(6);
    }

    @Test
    void rejectsClientMistakesWithAStableCode() {
        assertRejected(Endpoint.CHAT, "{\"messages\": [", "invalid_json");
        assertRejected(Endpoint.CHAT, "", "invalid_request_body");
        assertRejected(Endpoint.CHAT, "[1,2]", "invalid_request_body");
        assertRejected(Endpoint.CHAT, "{\"model\":\"m\"}", "messages");
        assertRejected(Endpoint.CHAT, "{\"messages\":[]}", "messages");
        assertRejected(Endpoint.CHAT, "{\"messages\":[\"hi\"]}", "messages");
        assertRejected(Endpoint.COMPLETIONS, "{\"prompt\":\"\"}", "prompt");
        assertRejected(Endpoint.COMPLETIONS, "{\"messages\":[{\"role\":\"user\"}]}", "prompt");
        assertRejected(Endpoint.CHAT, "{\"stream\":\"yes\",\"messages\":[{\"role\":\"user\"}]}", "stream");
        assertRejected(Endpoint.CHAT, "{\"model\":7,\"messages\":[{\"role\":\"user\"}]}", "model");
    }

    @Test
    void acceptsEveryPromptShapeOfVllmAndRejectsOthers() {
        for (String prompt : new String[] {"\"once\"", "[1,2,3]", "[\"a\",\"b\"]", "[[1,2],[3]]"}) {
            assertThat(parse(Endpoint.COMPLETIONS, "{\"prompt\":" + prompt + "}").endpoint()).as(prompt)
                    .isEqualTo(Endpoint.COMPLETIONS);
        }
        for (String prompt : new String[] {"[{\"a\":1}]", "[1,\"a\"]", "[[1],\"a\"]", "[[]]", "[-1]", "[1.5]",
                "[[\"a\"]]", "[null]", "[true]"}) {
            assertRejected(Endpoint.COMPLETIONS, "{\"prompt\":" + prompt + "}", "prompt");
        }
    }

    @Test
    void completionLimitOfATurnIsTheClientsOrTheDefault() {
        assertThat(parse(Endpoint.CHAT, "{\"messages\":[{\"role\":\"user\"}]}").completionLimit(777)).isEqualTo(777);
        assertThat(parse(Endpoint.CHAT, "{\"max_tokens\":5,\"messages\":[{\"role\":\"user\"}]}").completionLimit(777))
                .isEqualTo(5);
        assertThat(parse(Endpoint.CHAT, "{\"max_tokens\":5,\"max_completion_tokens\":9,\"messages\":[{\"role\":\"u\"}]}")
                .completionLimit(777)).isEqualTo(9);
        // Not a field of vLLM's completions: the default applies.
        assertThat(parse(Endpoint.COMPLETIONS, "{\"max_completion_tokens\":9,\"prompt\":\"a\"}").completionLimit(777))
                .isEqualTo(777);
    }

    @Test
    void reservedLimitIsTheEnginesOnlyLimit() {
        var capped = parse(Endpoint.CHAT, """
                {"model":"m","messages":[{"role":"user","content":"hi"}]}""");
        assertThat(json.readTree(capped.engineBody(SALT, 777, null, json)).path("max_tokens").asInt()).isEqualTo(777);

        for (String limits : new String[] {"\"max_tokens\":5", "\"max_completion_tokens\":5",
                "\"max_tokens\":9,\"max_completion_tokens\":5", "\"max_completion_tokens\":null"}) {
            var request = parse(Endpoint.CHAT, "{\"model\":\"m\"," + limits + ",\"messages\":[{\"role\":\"user\"}]}");
            var engineBody = json.readTree(request.engineBody(SALT, 5, null, json));
            assertThat(engineBody.path("max_tokens").asInt()).as(limits).isEqualTo(5);
            // vLLM would let it win over max_tokens.
            assertThat(engineBody.has("max_completion_tokens")).as(limits).isFalse();
            assertThat(engineBody.path("messages").get(0).path("role").asString()).isEqualTo("user");
        }
        var completion = parse(Endpoint.COMPLETIONS, "{\"prompt\":\"once\",\"stream\":true,\"max_completion_tokens\":3}");
        var engineBody = json.readTree(completion.engineBody(SALT, 9, null, json));
        assertThat(engineBody.path("max_tokens").asInt()).isEqualTo(9);
        assertThat(engineBody.has("max_completion_tokens")).isFalse();
        assertThat(engineBody.path("stream_options").path("include_usage").asBoolean()).isTrue();
    }

    @Test
    void completionLimitThatIsNoWholeNumberFromOneToTheContextLengthIsRejectedNamingItsField() {
        String[] wrong = {"\"12\"", "12.5", "0", "-3", "8193", "1e20", "true", "[5]"};
        for (String field : new String[] {"max_tokens", "max_completion_tokens"}) {
            for (String value : wrong) {
                assertRejected(Endpoint.CHAT, "{\"model\":\"m\",\"" + field + "\":" + value
                        + ",\"messages\":[{\"role\":\"user\"}]}", field);
            }
        }
        for (String value : wrong) {
            assertRejected(Endpoint.COMPLETIONS, "{\"model\":\"m\",\"max_tokens\":" + value + ",\"prompt\":\"a\"}",
                    "max_tokens");
        }
        // The newer name winning does not make a wrong max_tokens beside it right.
        assertRejected(Endpoint.CHAT, """
                {"model":"m","max_tokens":0,"max_completion_tokens":5,"messages":[{"role":"user"}]}""", "max_tokens");
    }

    @Test
    void completionLimitUpToTheContextLengthIsAccepted() {
        var request = parse(Endpoint.CHAT, """
                {"model":"m","max_tokens":8192,"messages":[{"role":"user"}]}""");

        assertThat(request.maxTokens()).isEqualTo(8192);
        assertThat(parse(Endpoint.COMPLETIONS, "{\"max_tokens\":1,\"prompt\":\"a\"}").maxTokens()).isEqualTo(1);
    }

    @Test
    void contextLengthIsLookedUpForTheRequestedModelOrTheEnginesDefault() {
        List<String> asked = new ArrayList<>();
        CompletionRequest.parse(Endpoint.CHAT, "{\"model\":\"big\",\"max_tokens\":9000,\"messages\":[{\"role\":\"u\"}]}"
                .getBytes(StandardCharsets.UTF_8), json, model -> {
                    asked.add(model);
                    return OptionalInt.of(10_000);
                });
        CompletionRequest.parse(Endpoint.COMPLETIONS, "{\"max_tokens\":3,\"prompt\":\"a\"}"
                .getBytes(StandardCharsets.UTF_8), json, model -> {
                    asked.add(String.valueOf(model));
                    return OptionalInt.empty();
                });

        assertThat(asked).containsExactly("big", "null");
    }

    @Test
    void contextLengthIsNotCheckedWhenTheEngineReportedNone() {
        var request = CompletionRequest.parse(Endpoint.CHAT, """
                {"model":"m","max_tokens":1000000,"messages":[{"role":"user"}]}""".getBytes(StandardCharsets.UTF_8),
                json, model -> OptionalInt.empty());

        assertThat(request.maxTokens()).isEqualTo(1_000_000);
    }

    @Test
    void wholeNumberWrittenAsAFractionIsAcceptedAndReachesTheEngineAsAnInteger() {
        var request = parse(Endpoint.CHAT, """
                {"model":"m","max_tokens":12.0,"messages":[{"role":"user","content":"hi"}]}""");

        assertThat(request.maxTokens()).isEqualTo(12);
        var engineBody = engineBody(request);
        assertThat(engineBody.path("max_tokens").isInt()).isTrue();
        assertThat(engineBody.path("max_tokens").intValue()).isEqualTo(12);
        assertThat(parse(Endpoint.CHAT, """
                {"max_completion_tokens":7e0,"messages":[{"role":"user"}]}""").maxTokens()).isEqualTo(7);
    }

    @Test
    void enginesSequencesPerPromptAreTheLargerOfNAndBestOf() {
        assertThat(parse(Endpoint.CHAT, "{\"messages\":[{\"role\":\"user\"}]}").choices()).isEqualTo(1);
        assertThat(parse(Endpoint.CHAT, "{\"n\":3,\"messages\":[{\"role\":\"user\"}]}").choices()).isEqualTo(3);
        assertThat(parse(Endpoint.CHAT, "{\"n\":null,\"messages\":[{\"role\":\"user\"}]}").choices()).isEqualTo(1);
        assertThat(parse(Endpoint.COMPLETIONS, "{\"n\":2,\"best_of\":5,\"prompt\":\"a\"}").choices()).isEqualTo(5);
        assertThat(parse(Endpoint.COMPLETIONS, "{\"best_of\":4,\"prompt\":\"a\"}").choices()).isEqualTo(4);
        assertThat(parse(Endpoint.COMPLETIONS, "{\"n\":128,\"best_of\":128,\"prompt\":\"a\"}").choices())
                .isEqualTo(128);
    }

    @Test
    void completionBatchCountsOnePromptPerEntry() {
        assertThat(parse(Endpoint.CHAT, "{\"messages\":[{\"role\":\"user\"},{\"role\":\"user\"}]}").prompts())
                .isEqualTo(1);
        assertThat(parse(Endpoint.COMPLETIONS, "{\"prompt\":\"once\"}").prompts()).isEqualTo(1);
        assertThat(parse(Endpoint.COMPLETIONS, "{\"prompt\":[1,2,3]}").prompts()).isEqualTo(1);
        assertThat(parse(Endpoint.COMPLETIONS, "{\"prompt\":[\"a\",\"b\",\"c\"]}").prompts()).isEqualTo(3);
        assertThat(parse(Endpoint.COMPLETIONS, "{\"prompt\":[[1],[2,3]]}").prompts()).isEqualTo(2);
    }

    @Test
    void reservationHoldsTheLimitForEverySequenceOfEveryPrompt() {
        var request = parse(Endpoint.COMPLETIONS, """
                {"n":2,"best_of":3,"max_tokens":10,"prompt":["a","b","c","d"]}""");

        assertThat(request.reservedCompletionTokens(request.completionLimit(777))).isEqualTo(10L * 3 * 4);
        assertThat(parse(Endpoint.CHAT, "{\"n\":5,\"messages\":[{\"role\":\"user\"}]}").reservedCompletionTokens(777))
                .isEqualTo(777L * 5);
    }

    @Test
    void reservationLargerThanOneReservationCanHoldIsABadRequest() {
        String prompts = String.join(",", java.util.Collections.nCopies(2048, "\"a\""));
        var request = parse(Endpoint.COMPLETIONS, "{\"n\":128,\"max_tokens\":8192,\"prompt\":[" + prompts + "]}");

        assertThatThrownBy(() -> request.reservedCompletionTokens(8192))
                .isInstanceOfSatisfying(ApiErrorException.class, invalid -> {
                    assertThat(invalid.error().status()).isEqualTo(400);
                    assertThat(invalid.error().param()).isEqualTo("max_tokens");
                });
        assertThat(request.reservedCompletionTokens(8191)).isEqualTo(8191L * 128 * 2048);
    }

    @Test
    void nAndBestOfMustBeWholeNumbersFromOneTo128() {
        for (String value : new String[] {"\"2\"", "1.5", "0", "-1", "129", "true"}) {
            assertRejected(Endpoint.CHAT, "{\"n\":" + value + ",\"messages\":[{\"role\":\"user\"}]}", "n");
            assertRejected(Endpoint.COMPLETIONS, "{\"n\":" + value + ",\"prompt\":\"a\"}", "n");
            assertRejected(Endpoint.COMPLETIONS, "{\"best_of\":" + value + ",\"prompt\":\"a\"}", "best_of");
        }
        // vLLM's own rule: best_of sequences are generated and the best n returned.
        assertRejected(Endpoint.COMPLETIONS, "{\"n\":3,\"best_of\":2,\"prompt\":\"a\"}", "best_of");
        assertRejected(Endpoint.COMPLETIONS, "{\"best_of\":2,\"n\":3,\"prompt\":\"a\"}", "best_of");
    }

    @Test
    void bestOfIsAFieldOfCompletionsOnly() {
        assertThatThrownBy(() -> parse(Endpoint.CHAT, "{\"best_of\":2,\"messages\":[{\"role\":\"user\"}]}"))
                .isInstanceOfSatisfying(ApiErrorException.class, invalid -> {
                    assertThat(invalid.error().status()).isEqualTo(400);
                    assertThat(invalid.error().code().code()).isEqualTo("unsupported_field");
                    assertThat(invalid.error().param()).isEqualTo("best_of");
                });
        assertThat(parse(Endpoint.CHAT, "{\"best_of\":null,\"messages\":[{\"role\":\"user\"}]}").choices()).isEqualTo(1);
    }

    @Test
    void wholeNumberOfSequencesWrittenAsAFractionReachesTheEngineAsAnInteger() {
        var request = parse(Endpoint.COMPLETIONS, "{\"n\":2.0,\"best_of\":3.0,\"prompt\":\"a\"}");

        assertThat(request.choices()).isEqualTo(3);
        var engineBody = engineBody(request);
        assertThat(engineBody.path("n").isInt()).isTrue();
        assertThat(engineBody.path("best_of").isInt()).isTrue();
        assertThat(engineBody.path("best_of").intValue()).isEqualTo(3);
    }

    /** Refused with a 400 whose code is {@code codeOrField}, or which names the field {@code codeOrField}. */
    private void assertRejected(Endpoint endpoint, String body, String codeOrField) {
        assertThatThrownBy(() -> parse(endpoint, body))
                .isInstanceOfSatisfying(ApiErrorException.class, invalid -> {
                    assertThat(invalid.error().status()).as(body).isEqualTo(400);
                    assertThat(List.of(invalid.error().code().code(), String.valueOf(invalid.error().param())))
                            .as(body).contains(codeOrField);
                });
    }

    /** What the engine gets for a request without a session. */
    private JsonNode engineBody(CompletionRequest request) {
        return json.readTree(request.engineBody(SALT, null, null, json));
    }

    /** Parsed for an engine that serves every model with a context of 8192 tokens. */
    private CompletionRequest parse(Endpoint endpoint, String body) {
        return CompletionRequest.parse(endpoint, body.getBytes(StandardCharsets.UTF_8), json,
                model -> OptionalInt.of(8192));
    }
}
