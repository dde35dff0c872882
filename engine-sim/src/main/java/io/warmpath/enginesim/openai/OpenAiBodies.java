package io.warmpath.enginesim.openai;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** Response shapes of the OpenAI API as vLLM returns them (serialised snake_case by {@link OpenAiJson}). */
final class OpenAiBodies {

    private OpenAiBodies() {
    }

    record Usage(int promptTokens, int completionTokens, int totalTokens, PromptTokensDetails promptTokensDetails) {

        static Usage of(int promptTokens, int cachedTokens, int completionTokens) {
            return new Usage(promptTokens, completionTokens, promptTokens + completionTokens,
                    new PromptTokensDetails(cachedTokens));
        }
    }

    record PromptTokensDetails(int cachedTokens) {
    }

    record ChatCompletion(String id, String object, long created, String model, List<ChatChoice> choices,
                          Usage usage) {
    }

    record ChatChoice(int index, AssistantMessage message, Object logprobs, String finishReason) {
    }

    record AssistantMessage(String role, String content, List<ToolCall> toolCalls) {
    }

    record ToolCall(String id, String type, FunctionCall function) {
    }

    record FunctionCall(String name, String arguments) {
    }

    /** A streamed chat chunk; {@code usage} only on the final usage chunk. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ChatChunk(String id, String object, long created, String model, List<ChunkChoice> choices, Usage usage) {
    }

    record ChunkChoice(int index, Delta delta, Object logprobs, String finishReason) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Delta(String role, String content, List<ToolCallDelta> toolCalls) {
    }

    record ToolCallDelta(int index, String id, String type, FunctionCall function) {
    }

    /** A text completion, whole or streamed; {@code usage} absent on streamed chunks but the usage chunk. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record TextCompletion(String id, String object, long created, String model, List<TextChoice> choices,
                          Usage usage) {
    }

    record TextChoice(int index, String text, Object logprobs, String finishReason) {
    }

    record ModelList(String object, List<ModelCard> data) {
    }

    record ModelCard(String id, String object, long created, String ownedBy, String root, String parent,
                     int maxModelLen) {
    }

    record TokenizeResult(int count, int maxModelLen, int[] tokens) {
    }
}
