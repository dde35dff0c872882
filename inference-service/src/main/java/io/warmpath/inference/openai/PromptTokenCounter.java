package io.warmpath.inference.openai;

import java.util.List;
import java.util.function.Consumer;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Counts a request's prompt tokens exactly with the engine's own tokenizer (vLLM's {@code POST /tokenize}), chat
 * template and tool schemas included, so that a session's budget is reserved for what the engine will prefill.
 */
@Component
class PromptTokenCounter {

    /** Chat fields that change how the prompt is rendered; sampling and streaming fields do not. */
    private static final List<String> CHAT_RENDERING_FIELDS = List.of("tools", "add_generation_prompt",
            "continue_final_message", "add_special_tokens", "chat_template", "chat_template_kwargs");

    private final WebClient engine;
    private final JsonMapper json;

    PromptTokenCounter(WebClient engineWebClient, JsonMapper json) {
        this.engine = engineWebClient;
        this.json = json;
    }

    /**
     * @param forwardedHeaders adds the request's tracing headers to the engine call
     * @return the prompt's token count; engine failures arrive as the same errors a completion call would raise
     */
    Mono<Long> count(CompletionRequest completion, Consumer<HttpHeaders> forwardedHeaders) {
        return Mono.defer(() -> {
            // The client's body: no cache_salt, which /tokenize does not take.
            JsonNode body = completion.body();
            return switch (completion.endpoint()) {
                case CHAT -> tokenize(chatRequest(body), forwardedHeaders);
                case COMPLETIONS -> countCompletionPrompt(body, forwardedHeaders);
            };
        });
    }

    private ObjectNode chatRequest(JsonNode body) {
        ObjectNode request = modelOnly(body);
        request.set("messages", body.get("messages"));
        for (String field : CHAT_RENDERING_FIELDS) {
            if (body.hasNonNull(field)) {
                request.set(field, body.get(field));
            }
        }
        return request;
    }

    /**
     * vLLM's completion prompt is a string, token ids, or a batch of either (usage then sums the batch); /tokenize
     * takes one string, so token ids are counted here and a batch is counted part by part.
     */
    private Mono<Long> countCompletionPrompt(JsonNode body, Consumer<HttpHeaders> forwardedHeaders) {
        JsonNode prompt = body.path("prompt");
        if (prompt.isString()) {
            return tokenize(modelOnly(body).put("prompt", prompt.stringValue()), forwardedHeaders);
        }
        if (prompt.get(0).isNumber()) {
            return Mono.just((long) prompt.size());
        }
        return Flux.fromIterable(prompt)
                .concatMap(part -> part.isArray()
                        ? Mono.just((long) part.size())
                        : tokenize(modelOnly(body).put("prompt", part.asString()), forwardedHeaders))
                .reduce(0L, Long::sum);
    }

    private ObjectNode modelOnly(JsonNode body) {
        ObjectNode request = json.createObjectNode();
        if (body.path("model").isString()) {
            request.put("model", body.path("model").stringValue());
        }
        return request;
    }

    private Mono<Long> tokenize(ObjectNode request, Consumer<HttpHeaders> forwardedHeaders) {
        return engine.post().uri("/tokenize")
                .headers(forwardedHeaders)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(json.writeValueAsBytes(request))
                .retrieve()
                .bodyToMono(byte[].class)
                .map(answer -> {
                    JsonNode count;
                    try {
                        count = json.readTree(answer).path("count");
                    }
                    catch (JacksonException notJson) {
                        throw new MalformedEngineAnswerException("The engine's /tokenize answer is not JSON");
                    }
                    if (!count.isIntegralNumber()) {
                        throw new MalformedEngineAnswerException("The engine's /tokenize answered without a count");
                    }
                    return count.longValue();
                });
    }
}
