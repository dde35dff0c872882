package io.warmpath.inference.transcripts;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The answer of one recorded turn, as it goes by: a whole JSON answer, or a stream's chunks put back together
 * (content, reasoning, legacy completion text and tool calls per choice, finish reasons, the usage chunk). Keeps at
 * most a set number of answer characters; the rest is cut and {@code truncated} says so. Chunks of one stream arrive
 * one at a time (the relay is serial), so this needs no locking; {@link #finished} hands the result over once.
 */
public final class TurnTranscript {

    /** The transcript of a turn that is not recorded: every call does nothing. */
    public static final TurnTranscript NONE = new TurnTranscript(0, answer -> {
    });

    private final long maxAnswerChars;
    private final Consumer<Answer> onComplete;
    private final Map<Integer, Choice> choices = new TreeMap<>();
    private @Nullable JsonNode wholeAnswer;
    private @Nullable JsonNode usage;
    private long answerChars;
    private boolean truncated;
    private boolean finished;

    TurnTranscript(long maxAnswerChars, Consumer<Answer> onComplete) {
        this.maxAnswerChars = maxAnswerChars;
        this.onComplete = onComplete;
    }

    /** What a finished turn answered: the engine's JSON answer, or the stream's chunks put together. */
    record Answer(JsonNode response, boolean truncated, long size) {
    }

    /** A non-streamed answer's body, as the engine sent it ({@code size} bytes). */
    public void answer(JsonNode body, long size) {
        if (this == NONE) {
            return;
        }
        answerChars = Math.min(size, maxAnswerChars);
        if (size > maxAnswerChars) {
            truncated = true;
            ObjectNode cut = JsonNodeFactory.instance.objectNode();
            cut.set("usage", body.get("usage"));
            wholeAnswer = cut;
        }
        else {
            wholeAnswer = body;
        }
    }

    /** One chunk of a streamed answer, parsed; chunks that carry no choice or usage change nothing. */
    public void chunk(JsonNode chunk) {
        if (this == NONE) {
            return;
        }
        if (chunk.path("usage").isObject()) {
            usage = chunk.get("usage");
        }
        for (JsonNode delta : chunk.path("choices")) {
            Choice choice = choices.computeIfAbsent(delta.path("index").asInt(0), index -> new Choice());
            JsonNode message = delta.path("delta");
            append(choice.content, message.path("content"));
            append(choice.reasoning, message.path("reasoning_content"));
            append(choice.text, delta.path("text"));
            for (JsonNode call : message.path("tool_calls")) {
                ToolCall tool = choice.toolCalls.computeIfAbsent(call.path("index").asInt(0), index -> new ToolCall());
                if (call.path("id").isString()) {
                    tool.id = call.path("id").stringValue();
                }
                if (call.path("function").path("name").isString()) {
                    tool.name = call.path("function").path("name").stringValue();
                }
                append(tool.arguments, call.path("function").path("arguments"));
            }
            if (delta.path("finish_reason").isString()) {
                choice.finishReason = delta.path("finish_reason").stringValue();
            }
        }
    }

    /**
     * The turn ended; a complete answer is handed over to be stored, anything else (an error, a broken stream, a
     * cancelled request) is not a turn of the conversation and is dropped. Only the first call counts.
     */
    public void finished(boolean complete) {
        if (this == NONE || finished) {
            return;
        }
        finished = true;
        if (complete) {
            onComplete.accept(new Answer(wholeAnswer != null ? wholeAnswer : assembled(), truncated, answerChars));
        }
    }

    private ObjectNode assembled() {
        ObjectNode response = JsonNodeFactory.instance.objectNode();
        ArrayNode choiceNodes = response.putArray("choices");
        choices.forEach((index, choice) -> {
            ObjectNode node = choiceNodes.addObject();
            node.put("index", index);
            if (!choice.text.isEmpty()) {
                node.put("text", choice.text.toString());
            }
            else {
                ObjectNode message = node.putObject("message");
                message.put("role", "assistant");
                message.put("content", choice.content.toString());
                if (!choice.reasoning.isEmpty()) {
                    message.put("reasoning_content", choice.reasoning.toString());
                }
                if (!choice.toolCalls.isEmpty()) {
                    ArrayNode calls = message.putArray("tool_calls");
                    choice.toolCalls.values().forEach(tool -> {
                        ObjectNode call = calls.addObject();
                        call.put("id", tool.id);
                        call.put("type", "function");
                        call.putObject("function").put("name", tool.name).put("arguments", tool.arguments.toString());
                    });
                }
            }
            node.put("finish_reason", choice.finishReason);
        });
        if (usage != null) {
            response.set("usage", usage);
        }
        return response;
    }

    private void append(StringBuilder target, JsonNode piece) {
        if (!piece.isString() || truncated) {
            return;
        }
        String text = piece.stringValue();
        if (answerChars + text.length() > maxAnswerChars) {
            truncated = true;
            text = text.substring(0, (int) Math.max(0, maxAnswerChars - answerChars));
        }
        answerChars += text.length();
        target.append(text);
    }

    private static final class Choice {
        final StringBuilder content = new StringBuilder();
        final StringBuilder reasoning = new StringBuilder();
        final StringBuilder text = new StringBuilder();
        final Map<Integer, ToolCall> toolCalls = new TreeMap<>();
        @Nullable String finishReason;
    }

    private static final class ToolCall {
        @Nullable String id;
        @Nullable String name;
        final StringBuilder arguments = new StringBuilder();
    }
}
