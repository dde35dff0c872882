package io.warmpath.enginesim.openai;

import io.warmpath.enginesim.tokens.PromptTokenizer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"time-scale=0.01", "num-gpu-blocks-override=2048"})
@AutoConfigureWebTestClient(timeout = "30s") // the default 5 s is too short on a busy CI machine
class ChatCompletionsIntegrationTest {

    @Autowired
    private WebTestClient client;
    @Autowired
    private JsonMapper jsonMapper;
    @Autowired
    private PromptTokenizer tokenizer;

    @Test
    void secondTurnWithTheSamePrefixIsServedFromCache() {
        String system = "You are agent " + UUID.randomUUID() + ". " + "Follow the house rules carefully. ".repeat(20);
        List<Map<String, Object>> firstTurn = List.of(message("system", system), message("user", "Plan the trip."));
        List<Map<String, Object>> secondTurn = List.of(firstTurn.get(0), firstTurn.get(1),
                message("assistant", "Here is a plan."), message("user", "Make it shorter."));

        JsonNode first = chat(Map.of("model", "kimi-k2.5", "messages", firstTurn, "max_tokens", 4));
        JsonNode second = chat(Map.of("model", "kimi-k2.5", "messages", secondTurn, "max_tokens", 4));

        assertThat(first.at("/usage/prompt_tokens_details/cached_tokens").intValue()).isZero();
        int cached = second.at("/usage/prompt_tokens_details/cached_tokens").intValue();
        assertThat(cached).isPositive().isLessThan(second.at("/usage/prompt_tokens").intValue());
        assertThat(cached % 16).isZero();
        // Everything of the first turn's prompt but its partial last block is reusable.
        assertThat(cached).isEqualTo(first.at("/usage/prompt_tokens").intValue() / 16 * 16);
    }

    @Test
    void answerHasExactlyMaxTokensAndFullUsage() {
        JsonNode answer = chat(Map.of("messages", List.of(message("user", "Say something " + UUID.randomUUID())),
                "max_tokens", 37));

        assertThat(answer.path("object").stringValue()).isEqualTo("chat.completion");
        assertThat(answer.path("model").stringValue()).isEqualTo("kimi-k2.5");
        String content = answer.at("/choices/0/message/content").stringValue();
        assertThat(tokenizer.encode(content)).hasSize(37);
        assertThat(answer.at("/choices/0/finish_reason").stringValue()).isEqualTo("stop");
        assertThat(answer.at("/usage/completion_tokens").intValue()).isEqualTo(37);
        assertThat(answer.at("/usage/total_tokens").intValue())
                .isEqualTo(answer.at("/usage/prompt_tokens").intValue() + 37);
    }

    @Test
    void equalPromptsGetEqualAnswers() {
        Map<String, Object> request = Map.of("messages", List.of(message("user", "Same question")), "max_tokens", 8,
                "ignore_eos", true);

        JsonNode first = chat(request);
        JsonNode second = chat(request);

        assertThat(second.at("/choices/0/message/content").stringValue())
                .isEqualTo(first.at("/choices/0/message/content").stringValue());
        assertThat(first.at("/choices/0/finish_reason").stringValue()).isEqualTo("length");
    }

    @Test
    void streamingWithIncludeUsageEndsWithUsageChunkThenDone() throws Exception {
        byte[] body = client.post().uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("model", "kimi-k2.5", "stream", true, "max_tokens", 5,
                        "stream_options", Map.of("include_usage", true),
                        "messages", List.of(message("user", "Stream please " + UUID.randomUUID()))))
                .exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
                .expectBody(byte[].class).returnResult().getResponseBody();

        List<String> events = Arrays.stream(new String(body, StandardCharsets.UTF_8).split("\n\n"))
                .filter(event -> !event.isBlank()).toList();
        assertThat(events).allSatisfy(event -> assertThat(event).startsWith("data: "));
        assertThat(events.getLast()).isEqualTo("data: [DONE]");
        List<JsonNode> chunks = events.subList(0, events.size() - 1).stream()
                .map(event -> jsonMapper.readTree(event.substring("data: ".length()))).toList();
        assertThat(chunks.getFirst().at("/choices/0/delta/role").stringValue()).isEqualTo("assistant");
        assertThat(chunks).allSatisfy(chunk ->
                assertThat(chunk.path("object").stringValue()).isEqualTo("chat.completion.chunk"));
        String content = chunks.stream().map(chunk -> chunk.at("/choices/0/delta/content").stringValue(""))
                .reduce("", String::concat);
        assertThat(tokenizer.encode(content)).hasSize(5);
        JsonNode finish = chunks.get(chunks.size() - 2);
        assertThat(finish.at("/choices/0/finish_reason").stringValue()).isEqualTo("stop");
        JsonNode usage = chunks.getLast();
        assertThat(usage.path("choices").isArray()).isTrue();
        assertThat(usage.path("choices").isEmpty()).isTrue();
        assertThat(usage.at("/usage/completion_tokens").intValue()).isEqualTo(5);
        assertThat(usage.at("/usage/prompt_tokens_details/cached_tokens").isInt()).isTrue();
    }

    @Test
    void streamingWithoutIncludeUsageHasNoUsageChunk() {
        byte[] body = client.post().uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("stream", true, "max_tokens", 3, "messages", List.of(message("user", "hi"))))
                .exchange()
                .expectStatus().isOk()
                .expectBody(byte[].class).returnResult().getResponseBody();

        String text = new String(body, StandardCharsets.UTF_8);
        assertThat(text).endsWith("data: [DONE]\n\n").doesNotContain("\"usage\"");
    }

    @Test
    void requiredToolChoiceReturnsADeterministicToolCall() {
        Map<String, Object> tool = Map.of("type", "function", "function", Map.of("name", "get_weather",
                "parameters", Map.of("type", "object", "required", List.of("city", "days"),
                        "properties", Map.of("city", Map.of("type", "string"), "days", Map.of("type", "integer")))));
        Map<String, Object> request = Map.of("messages", List.of(message("user", "Weather in Oslo?")),
                "tools", List.of(tool), "tool_choice", "required");

        JsonNode answer = chat(request);

        assertThat(answer.at("/choices/0/finish_reason").stringValue()).isEqualTo("tool_calls");
        assertThat(answer.at("/choices/0/message/content").isNull()).isTrue();
        JsonNode call = answer.at("/choices/0/message/tool_calls/0");
        assertThat(call.path("type").stringValue()).isEqualTo("function");
        assertThat(call.at("/function/name").stringValue()).isEqualTo("get_weather");
        assertThat(call.at("/function/arguments").stringValue()).isEqualTo("{\"city\":\"example\",\"days\":1}");
        assertThat(chat(request).at("/choices/0/message/tool_calls/0/id").stringValue())
                .isEqualTo(call.path("id").stringValue());
    }

    @Test
    void malformedJsonIsABadRequest() {
        expectError("{\"messages\": [", 400, "BadRequestError");
    }

    @Test
    void missingMessagesIsABadRequest() {
        expectError("{\"model\": \"kimi-k2.5\"}", 400, "BadRequestError");
        expectError("{\"messages\": []}", 400, "BadRequestError");
        expectError("{\"messages\": [{\"content\": \"no role\"}]}", 400, "BadRequestError");
    }

    @Test
    void nonPositiveOrAbsurdMaxTokensIsABadRequest() {
        String messages = "\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]";
        expectError("{" + messages + ", \"max_tokens\": 0}", 400, "BadRequestError");
        expectError("{" + messages + ", \"max_tokens\": -5}", 400, "BadRequestError");
        expectError("{" + messages + ", \"max_tokens\": 1000000000000}", 400, "BadRequestError");
        expectError("{" + messages + ", \"max_tokens\": \"ten\"}", 400, "BadRequestError");
    }

    @Test
    void promptPlusMaxTokensBeyondTheContextLengthIsABadRequest() {
        JsonNode error = expectError("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"max_tokens\": 262144}",
                400, "BadRequestError");

        assertThat(error.at("/error/code").stringValue()).isEqualTo("context_length_exceeded");
    }

    @Test
    void unknownModelIsNotFound() {
        JsonNode error = expectError(
                "{\"model\": \"gpt-9\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}", 404, "NotFoundError");

        assertThat(error.at("/error/code").stringValue()).isEqualTo("model_not_found");
    }

    @Test
    void anUnknownModelNameIsQuotedRedacted() {
        String pastedKey = "sk-proj-PastedIntoTheModelField0123456789";
        JsonNode error = expectError("{\"model\": \"" + pastedKey + "\", \"messages\": [{\"role\": \"user\", "
                + "\"content\": \"hi\"}]}", 404, "NotFoundError");

        assertThat(error.at("/error/message").stringValue()).isEqualTo("The model `[REDACTED:api_key]` does not exist.");
    }

    @Test
    void unknownV1PathAnswersInTheOpenAiErrorShape() {
        client.get().uri("/v1/embeddings").exchange()
                .expectStatus().isNotFound()
                .expectBody().jsonPath("$.error.type").isEqualTo("NotFoundError");
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

    private JsonNode expectError(String rawBody, int status, String type) {
        byte[] body = client.post().uri("/v1/chat/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(rawBody)
                .exchange()
                .expectStatus().isEqualTo(status)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody(byte[].class).returnResult().getResponseBody();
        JsonNode error = jsonMapper.readTree(body);
        assertThat(error.at("/error/type").stringValue()).isEqualTo(type);
        assertThat(error.at("/error/message").stringValue()).isNotBlank();
        return error;
    }

    static Map<String, Object> message(String role, String content) {
        return Map.of("role", role, "content", content);
    }
}
