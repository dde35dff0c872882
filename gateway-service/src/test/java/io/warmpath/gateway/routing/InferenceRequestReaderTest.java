package io.warmpath.gateway.routing;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.warmpath.contracts.errors.ApiErrorException;
import io.warmpath.routing.RoutingKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.HttpStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InferenceRequestReaderTest {

    private final InferenceRequestReader reader = new InferenceRequestReader(new RequestFields(List.of()));

    private static final String CHAT = """
            {"model":"kimi-k2.5",
             "messages":[{"role":"system","content":"You are a careful agent."},
                         {"role":"user","content":"hello"}],
             "tools":[{"type":"function","function":{"name":"search","parameters":{"type":"object","properties":{"q":{"type":"string"}}}}}]}
            """;

    @ParameterizedTest
    @ValueSource(strings = {"\"12\"", "12.5", "12.0", "0", "-3", "1e3", "true", "[]", "4294967296"})
    void aCompletionLimitThatIsNotAPositiveWholeNumberIsRefused(String limit) {
        for (String field : List.of("max_tokens", "max_completion_tokens")) {
            String body = CHAT.replace("\"model\":", "\"" + field + "\":" + limit + ",\"model\":");
            assertThatThrownBy(() -> chat(body, "acme", null))
                    .isInstanceOfSatisfying(ApiErrorException.class, failure -> {
                        assertThat(failure.error().status()).isEqualTo(400);
                        assertThat(failure.error().param()).isEqualTo(field);
                    });
        }
    }

    @Test
    void choiceCountsAreBoundedAndLimitsWithinRangePass() {
        assertThatThrownBy(() -> chat(CHAT.replace("\"model\":", "\"n\":129,\"model\":"), "acme", null))
                .isInstanceOf(ApiErrorException.class);
        assertThat(chat(CHAT.replace("\"model\":", "\"n\":2,\"max_tokens\":64,\"model\":"), "acme", null)
                .model()).isEqualTo("kimi-k2.5");
    }

    @ParameterizedTest
    @ValueSource(strings = {"chat_template", "chat_template_kwargs", "cache_salt", "priority", "unheard_of"})
    void fieldsTheEndpointDoesNotTakeAreRefusedByName(String field) {
        String body = CHAT.replace("\"model\":", "\"" + field + "\":\"x\",\"model\":");
        assertThatThrownBy(() -> chat(body, "acme", null))
                .isInstanceOfSatisfying(ApiErrorException.class, failure -> {
                    assertThat(failure.error().code().code()).isEqualTo("unsupported_field");
                    assertThat(failure.error().param()).isEqualTo(field);
                });
    }

    @Test
    void anOperatorMayAllowAFieldByName() {
        InferenceRequestReader allowing = new InferenceRequestReader(new RequestFields(List.of("chat_template")));
        String body = CHAT.replace("\"model\":", "\"chat_template\":\"{{ messages }}\",\"model\":");

        assertThat(allowing.read(InferenceEndpoint.CHAT_COMPLETIONS, body.getBytes(StandardCharsets.UTF_8), "acme",
                null).model()).isEqualTo("kimi-k2.5");
    }

    @Test
    void completionsTakeTheirOwnFields() {
        String completion = "{\"model\":\"m\",\"prompt\":\"hi\",\"best_of\":2,\"suffix\":\"!\"}";
        assertThat(read(InferenceEndpoint.COMPLETIONS, completion).model()).isEqualTo("m");
        assertThatThrownBy(() -> read(InferenceEndpoint.COMPLETIONS,
                "{\"model\":\"m\",\"prompt\":\"hi\",\"messages\":[]}")).isInstanceOf(ApiErrorException.class);
    }

    @Test
    void sessionKeyIsScopedByTenant() {
        RoutingTarget acme = chat(CHAT, "acme", "session-1");
        RoutingTarget globex = chat(CHAT, "globex", "session-1");

        assertThat(acme.model()).isEqualTo("kimi-k2.5");
        assertThat(acme.key()).isEqualTo(RoutingKeys.session("acme", "session-1"));
        assertThat(acme.key()).isNotEqualTo(globex.key());
    }

    @Test
    void promptCacheKeyNamesTheSessionWhenNoHeaderDoesAndTheHeaderWins() {
        String withKey = CHAT.replace("{\"model\"", "{\"prompt_cache_key\":\"agent-7\",\"model\"");

        RoutingTarget fromBody = chat(withKey, "acme", null);
        RoutingTarget fromHeader = chat(withKey, "acme", "session-1");

        assertThat(fromBody.affinity()).isEqualTo("agent-7");
        assertThat(fromBody.key()).isEqualTo(RoutingKeys.session("acme", "agent-7"));
        assertThat(chat(withKey, "globex", null).key()).as("scoped by tenant, like the header")
                .isNotEqualTo(fromBody.key());
        assertThat(fromHeader.affinity()).isEqualTo("session-1");
        assertThat(fromHeader.key()).isEqualTo(RoutingKeys.session("acme", "session-1"));
        assertThat(chat(CHAT, "acme", null).affinity()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"42", "\"\"", "\"   \"", "[\"a\"]"})
    void aPromptCacheKeyThatIsNoSessionValueIsRefusedByName(String value) {
        String body = CHAT.replace("{\"model\"", "{\"prompt_cache_key\":" + value + ",\"model\"");

        assertThatThrownBy(() -> chat(body, "acme", null)).isInstanceOfSatisfying(ApiErrorException.class,
                refused -> assertThat(refused.error().param()).isEqualTo("prompt_cache_key"));
        assertThatThrownBy(() -> chat(CHAT.replace("{\"model\"",
                "{\"prompt_cache_key\":\"" + "x".repeat(513) + "\",\"model\""), "acme", null))
                .isInstanceOf(ApiErrorException.class);
    }

    @Test
    void skeletonKeyIgnoresJsonKeyOrderAndTheUserTurn() {
        String reordered = """
                {"tools":[{"function":{"parameters":{"properties":{"q":{"type":"string"}},"type":"object"},"name":"search"},"type":"function"}],
                 "messages":[{"content":"You are a careful agent.","role":"system"},
                             {"role":"user","content":"a different question"},
                             {"role":"assistant","content":"an answer"}],
                 "model":"kimi-k2.5"}
                """;

        assertThat(chat(reordered, "acme", null).key()).isEqualTo(chat(CHAT, "acme", null).key());
    }

    @Test
    void skeletonKeyIsScopedByTenant() {
        assertThat(chat(CHAT, "acme", null).key()).isNotEqualTo(chat(CHAT, "globex", null).key());
    }

    @Test
    void skeletonKeyDiffersWhenSystemPromptToolsOrModelDiffer() {
        String base = chat(CHAT, "acme", null).key();

        String otherSystem = CHAT.replace("You are a careful agent.", "You are a fast agent.");
        String otherTools = CHAT.replace("\"name\":\"search\"", "\"name\":\"fetch\"");
        String otherModel = CHAT.replace("\"model\":\"kimi-k2.5\"", "\"model\":\"small-model\"");

        assertThat(chat(otherSystem, "acme", null).key()).isNotEqualTo(base);
        assertThat(chat(otherTools, "acme", null).key()).isNotEqualTo(base);
        assertThat(chat(otherModel, "acme", null).key()).isNotEqualTo(base);
    }

    @Test
    void developerMessagesAndTextPartsCountAsSystemText() {
        String parts = """
                {"model":"m","messages":[{"role":"developer","content":[{"type":"text","text":"Rule one."}]},
                                         {"role":"user","content":"hi"}]}
                """;
        String plain = """
                {"model":"m","messages":[{"role":"developer","content":"Rule one."},{"role":"user","content":"yo"}]}
                """;

        assertThat(chat(parts, "t", null).key()).isEqualTo(chat(plain, "t", null).key());
    }

    @Test
    void malformedJsonIsRejected() {
        assertBadRequest(() -> chat("{\"model\": ", "t", null), "invalid_json");
    }

    @Test
    void bodyThatIsNotAnObjectIsRejected() {
        assertBadRequest(() -> chat("[1, 2]", "t", null), "invalid_request_body");
        assertBadRequest(() -> chat("", "t", null), "invalid_request_body");
    }

    @Test
    void missingModelIsRejected() {
        assertBadRequest(() -> chat("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", "t", null),
                "missing_required_parameter");
    }

    @Test
    void emptyMessagesAreRejected() {
        assertBadRequest(() -> chat("{\"model\":\"m\",\"messages\":[]}", "t", null), "missing_required_parameter");
    }

    @Test
    void messageWhoseRoleIsNotAStringIsRejected() {
        assertBadRequest(() -> chat("{\"model\":\"m\",\"messages\":[{\"role\":{\"x\":1}}]}", "t", null),
                "invalid_request_body");
        assertBadRequest(() -> chat("{\"model\":\"m\",\"messages\":[{\"role\":[\"system\"]}]}", "t", null),
                "invalid_request_body");
        assertBadRequest(() -> chat("{\"model\":\"m\",\"messages\":[\"hi\"]}", "t", null), "invalid_request_body");
        assertBadRequest(() -> chat("{\"model\":\"m\",\"messages\":\"hi\"}", "t", null), "invalid_request_body");
    }

    @Test
    void completionsNeedANonEmptyPrompt() {
        assertBadRequest(() -> read(InferenceEndpoint.COMPLETIONS, "{\"model\":\"m\",\"prompt\":\"\"}"),
                "missing_required_parameter");
        assertBadRequest(() -> read(InferenceEndpoint.COMPLETIONS, "{\"model\":\"m\"}"), "missing_required_parameter");
        assertThat(read(InferenceEndpoint.COMPLETIONS, "{\"model\":\"m\",\"prompt\":\"Once\"}").model()).isEqualTo("m");
    }

    private RoutingTarget chat(String body, String tenant, String affinity) {
        return reader.read(InferenceEndpoint.CHAT_COMPLETIONS, body.getBytes(StandardCharsets.UTF_8), tenant, affinity);
    }

    private RoutingTarget read(InferenceEndpoint endpoint, String body) {
        return reader.read(endpoint, body.getBytes(StandardCharsets.UTF_8), "t", null);
    }

    private static void assertBadRequest(Runnable read, String code) {
        assertThatThrownBy(read::run)
                .isInstanceOfSatisfying(ApiErrorException.class, failure -> {
                    assertThat(failure.error().status()).isEqualTo(HttpStatus.BAD_REQUEST.value());
                    assertThat(failure.error().code().code()).isEqualTo(code);
                });
    }
}
