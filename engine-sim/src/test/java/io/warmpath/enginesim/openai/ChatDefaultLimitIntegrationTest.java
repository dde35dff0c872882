package io.warmpath.enginesim.openai;

import io.warmpath.enginesim.tokens.ChatMessage;
import io.warmpath.enginesim.tokens.PromptTokenizer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A chat without {@code max_tokens} or {@code max_completion_tokens} is limited as in vLLM, by the rest of the
 * context; a small context makes the limit visible.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"time-scale=0.001", "max-model-len=64"})
@AutoConfigureWebTestClient(timeout = "30s") // the default 5 s is too short on a busy CI machine
class ChatDefaultLimitIntegrationTest {

    private static final int MAX_MODEL_LEN = 64;

    @Autowired
    private WebTestClient client;
    @Autowired
    private JsonMapper jsonMapper;
    @Autowired
    private PromptTokenizer tokenizer;

    @Test
    void promptThatLeavesLessThanTheOldFixedDefaultIsStillAnswered() {
        String content = contentRenderingTo(MAX_MODEL_LEN - 6);

        JsonNode answer = chat(Map.of("messages", List.of(Map.of("role", "user", "content", content))));

        assertThat(answer.at("/usage/prompt_tokens").intValue()).isEqualTo(MAX_MODEL_LEN - 6);
        // The simulated end of sequence comes after 16 tokens at most; here the context ends first.
        assertThat(answer.at("/usage/completion_tokens").intValue()).isEqualTo(6);
    }

    @Test
    void ignoreEosWithoutALimitRunsToTheEndOfTheContext() {
        var request = new HashMap<String, Object>();
        request.put("messages", List.of(Map.of("role", "user", "content", "hi")));
        request.put("ignore_eos", true);

        JsonNode answer = chat(request);

        int prompt = answer.at("/usage/prompt_tokens").intValue();
        assertThat(answer.at("/usage/completion_tokens").intValue()).isEqualTo(MAX_MODEL_LEN - prompt)
                .isGreaterThan(16);
        assertThat(answer.at("/choices/0/finish_reason").stringValue()).isEqualTo("length");
    }

    @Test
    void shortPromptWithoutALimitEndsAtTheSimulatedEndOfSequence() {
        JsonNode answer = chat(Map.of("messages", List.of(Map.of("role", "user", "content", "hi"))));

        assertThat(answer.at("/usage/completion_tokens").intValue()).isEqualTo(16);
        assertThat(answer.at("/choices/0/finish_reason").stringValue()).isEqualTo("stop");
    }

    @Test
    void promptThatFillsTheContextIsABadRequest() {
        String content = contentRenderingTo(MAX_MODEL_LEN);

        byte[] body = client.post().uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("messages", List.of(Map.of("role", "user", "content", content))))
                .exchange()
                .expectStatus().isBadRequest()
                .expectBody(byte[].class).returnResult().getResponseBody();

        assertThat(jsonMapper.readTree(body).at("/error/code").stringValue()).isEqualTo("context_length_exceeded");
    }

    /** User content whose rendered chat prompt is exactly {@code tokens} long. */
    private String contentRenderingTo(int tokens) {
        StringBuilder content = new StringBuilder();
        while (promptLength(content.toString()) < tokens) {
            content.append(" a");
        }
        assertThat(promptLength(content.toString())).isEqualTo(tokens);
        return content.toString();
    }

    private int promptLength(String content) {
        return tokenizer.encodeChat(List.of(new ChatMessage("user", content)), List.of(), true).length;
    }

    private JsonNode chat(Map<String, Object> request) {
        byte[] body = client.post().uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(request)
                .exchange()
                .expectStatus().isOk()
                .expectBody(byte[].class).returnResult().getResponseBody();
        return jsonMapper.readTree(body);
    }
}
