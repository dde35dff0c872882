package io.warmpath.redaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import io.warmpath.contracts.DataClass;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class PayloadLogViewTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String SECRET = "sk-proj-AbCdEfGhIjKlMnOpQrStUvWx0123";

    private final PayloadLogView view = new PayloadLogView(Redactor.standard(), 40);

    private final JsonNode chat = JSON.readTree("""
            {"model": "kimi-k2.5", "stream": true, "max_tokens": 64,
             "messages": [
               {"role": "system", "content": "You are a careful agent."},
               {"role": "user", "content": "Deploy with key %s and mail bob@example.com"},
               {"role": "assistant", "content": [{"type": "text", "text": "Done."}]}],
             "tools": [{"type": "function", "function": {"name": "search_repository"}}]}
            """.formatted(SECRET));

    @Test
    void publicAndInternalPayloadsKeepTheirTextWithSecretsRedacted() {
        for (DataClass dataClass : new DataClass[] {DataClass.PUBLIC, DataClass.INTERNAL}) {
            JsonNode logged = view.of(chat, dataClass);

            assertThat(logged.path("messages").path(0).path("content").stringValue())
                    .isEqualTo("You are a careful agent.");
            assertThat(logged.path("messages").path(1).path("content").stringValue())
                    .startsWith("Deploy with key [REDACTED:api_key] and")
                    .endsWith("...[+20 chars]");
            assertThat(logged.toString()).doesNotContain(SECRET).doesNotContain("bob@example.com");
            assertThat(logged.path("max_tokens").asInt()).isEqualTo(64);
        }
    }

    @Test
    void confidentialAndRegulatedPayloadsKeepOnlyTheirShape() {
        for (DataClass dataClass : new DataClass[] {DataClass.CONFIDENTIAL, DataClass.REGULATED}) {
            JsonNode logged = view.of(chat, dataClass);

            assertThat(logged.path("messages").path(0).path("content").stringValue())
                    .isEqualTo("[REDACTED LENGTH=24]");
            assertThat(logged.path("messages").path(0).path("role").stringValue()).isEqualTo("system");
            assertThat(logged.path("messages").path(2).path("content").path(0).path("type").stringValue())
                    .isEqualTo("text");
            assertThat(logged.path("messages").path(2).path("content").path(0).path("text").stringValue())
                    .isEqualTo("[REDACTED LENGTH=5]");
            assertThat(logged.path("model").stringValue()).isEqualTo("kimi-k2.5");
            assertThat(logged.path("stream").asBoolean()).isTrue();
            assertThat(logged.toString()).doesNotContain("careful").doesNotContain("Deploy").doesNotContain("Done");
        }
    }

    @Test
    void aSecretAcrossTheCutIsRedactedBeforeTheTextIsCut() {
        String jwt = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl";
        JsonNode message = JSON.createObjectNode().put("content", "a".repeat(30) + " " + jwt);

        String logged = view.of(message, DataClass.PUBLIC).path("content").stringValue();

        assertThat(logged).startsWith("a".repeat(30) + " [REDACTED").doesNotContain("eyJ");
    }

    @Test
    void theInputTreeIsNeverChanged() {
        String before = chat.toString();
        view.of(chat, DataClass.REGULATED);
        view.of(chat, DataClass.PUBLIC);
        assertThat(chat.toString()).isEqualTo(before);
    }

    @Test
    void shapeCountsMessagesRolesToolsAndText() {
        PayloadShape shape = view.shapeOf(chat);

        assertThat(shape.messages()).isEqualTo(3);
        assertThat(shape.roles()).isEqualTo(Map.of("system", 1, "user", 1, "assistant", 1));
        assertThat(shape.tools()).isEqualTo(1);
        assertThat(shape.choices()).isZero();
        long expectedChars = "You are a careful agent.".length()
                + ("Deploy with key " + SECRET + " and mail bob@example.com").length()
                + "Done.".length() + "search_repository".length();
        assertThat(shape.textChars()).isEqualTo(expectedChars);
        assertThat(shape.toString()).doesNotContain(SECRET);
    }

    @Test
    void unknownDataClassesGetTheStrictestHandling() {
        assertThat(PayloadLogView.allowsRedactedText(DataClass.fromWire("Confidential"))).isFalse();
        assertThat(PayloadLogView.allowsRedactedText(DataClass.fromWire("secret-ish"))).isFalse();
        assertThat(PayloadLogView.allowsRedactedText(DataClass.fromWire(null))).isFalse();
        assertThat(PayloadLogView.allowsRedactedText(DataClass.fromWire("internal"))).isTrue();
    }
}
