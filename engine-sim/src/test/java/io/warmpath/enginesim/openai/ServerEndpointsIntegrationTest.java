package io.warmpath.enginesim.openai;

import io.warmpath.enginesim.tokens.PromptTokenizer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.util.List;
import java.util.Map;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"time-scale=0.01", "num-gpu-blocks-override=2048"})
@AutoConfigureWebTestClient(timeout = "30s") // the default 5 s is too short on a busy CI machine
class ServerEndpointsIntegrationTest {

    @Autowired
    private WebTestClient client;
    @Autowired
    private PromptTokenizer tokenizer;

    @Test
    void textCompletionConcatenatesAListOfStringPrompts() {
        int promptTokens = tokenizer.encode("Once upon a time, there was").length;

        client.post().uri("/v1/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("model", "kimi-k2.5", "prompt", List.of("Once upon a time,", " there was"),
                        "max_tokens", 6))
                .exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.object").isEqualTo("text_completion")
                .jsonPath("$.choices[0].text").isNotEmpty()
                .jsonPath("$.usage.prompt_tokens").isEqualTo(promptTokens)
                .jsonPath("$.usage.completion_tokens").isEqualTo(6)
                .jsonPath("$.usage.prompt_tokens_details.cached_tokens").isNumber();
    }

    @Test
    void modelsListTheServedModelWithItsContextLength() {
        client.get().uri("/v1/models").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.object").isEqualTo("list")
                .jsonPath("$.data[0].id").isEqualTo("kimi-k2.5")
                .jsonPath("$.data[0].max_model_len").isEqualTo(262144);
    }

    @Test
    void tokenizeCountsAPromptWithTheSameTokeniser() {
        client.post().uri("/tokenize")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("model", "kimi-k2.5", "prompt", "Hello, world!"))
                .exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.count").isEqualTo(4)
                .jsonPath("$.tokens.length()").isEqualTo(4)
                .jsonPath("$.max_model_len").isEqualTo(262144);
    }

    @Test
    void tokenizeRendersMessagesWithTheChatTemplate() {
        int expected = tokenizer.encode("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n").length;

        client.post().uri("/tokenize")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("messages", List.of(Map.of("role", "user", "content", "hi"))))
                .exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.count").isEqualTo(expected);
    }

    @Test
    void faultAdminIsOffUnlessEnabled() {
        client.get().uri("/admin/faults").exchange().expectStatus().isNotFound()
                .expectBody(Void.class);
        client.put().uri("/admin/faults").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"failNext\": 5}").exchange().expectStatus().isNotFound()
                .expectBody(Void.class);
        client.delete().uri("/admin/faults").exchange().expectStatus().isNotFound()
                .expectBody(Void.class);
    }

    @Test
    void healthIsAnEmptyOk() {
        client.get().uri("/health").exchange()
                .expectStatus().isOk()
                .expectBody().isEmpty();
    }

    @Test
    void versionIsReported() {
        client.get().uri("/version").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.version").isNotEmpty();
    }
}
