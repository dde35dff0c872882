package io.warmpath.inference.context;

import java.util.List;

import org.jspecify.annotations.Nullable;
import io.warmpath.contracts.sessions.Checkpoint;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import tools.jackson.databind.JsonNode;

/**
 * Summaries through Warmpath's own OpenAI-compatible API, with Spring AI's {@link ChatClient}: the gateway routes,
 * meters and polices the summary calls like any client's.
 */
final class ChatClientSummarizer implements Summarizer {

    static final String INSTRUCTIONS = "You keep the memory of a long conversation between a user and an assistant "
            + "that uses tools. Summarize the conversation below for the assistant, who will see your summary instead "
            + "of it: the user's goals and constraints, decisions made, facts and tool results that still matter, and "
            + "open tasks. Be concise; keep names, numbers and identifiers exact. Write only the summary.";

    private final ChatClient chat;

    ChatClientSummarizer(CheckpointProperties properties) {
        OpenAiChatOptions options = OpenAiChatOptions.builder()
                .baseUrl(String.valueOf(properties.baseUrl()))
                .apiKey(properties.apiKey() == null || properties.apiKey().isBlank() ? "none" : properties.apiKey())
                .model(properties.model())
                .maxTokens(properties.maxSummaryTokens())
                .timeout(properties.timeout())
                .maxRetries(1)
                .build();
        this.chat = ChatClient.create(OpenAiChatModel.builder().options(options).build());
    }

    @Override
    public Summary summarize(@Nullable String previous, List<JsonNode> messages) {
        ChatResponse response = chat.prompt().system(INSTRUCTIONS).user(transcript(previous, messages)).call()
                .chatResponse();
        String content = response == null || response.getResult() == null ? null
                : response.getResult().getOutput().getText();
        if (content == null || content.isBlank()) {
            throw new IllegalStateException("the summarization model answered with no text");
        }
        Usage usage = response.getMetadata().getUsage();
        return new Summary(content.strip(), usage == null ? null : new Checkpoint.SummaryUsage(
                orZero(usage.getPromptTokens()), orZero(usage.getCompletionTokens())));
    }

    private static long orZero(@Nullable Integer tokens) {
        return tokens == null ? 0 : tokens;
    }

    /** The messages as plain lines, {@code role: text}, after the previous summary when there is one. */
    static String transcript(@Nullable String previous, List<JsonNode> messages) {
        StringBuilder text = new StringBuilder();
        if (previous != null) {
            text.append("Summary so far:\n").append(previous).append("\n\nWhat came after it:\n");
        }
        for (JsonNode message : messages) {
            text.append(message.path("role").asString("unknown")).append(": ");
            JsonNode content = message.path("content");
            if (content.isString()) {
                text.append(content.stringValue());
            } else {
                // Content parts: their text; images and other parts are left out.
                for (JsonNode part : content) {
                    text.append(part.path("text").asString(""));
                }
            }
            for (JsonNode call : message.path("tool_calls")) {
                text.append(" [called ").append(call.path("function").path("name").asString("?")).append('(')
                        .append(call.path("function").path("arguments").asString("")).append(")]");
            }
            text.append('\n');
        }
        return text.toString();
    }
}
