package io.warmpath.cli.demo;

import com.openai.models.chat.completions.ChatCompletionAssistantMessageParam;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageParam;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionSystemMessageParam;
import com.openai.models.chat.completions.ChatCompletionTool;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.chat.completions.ChatCompletionUserMessageParam;

import java.util.ArrayList;
import java.util.List;

/**
 * One scripted agent session: its affinity key and a history that only ever grows at the end, so every request's
 * prompt starts with the previous request's prompt (the property that makes the engine's prefix cache pay).
 */
final class Conversation {

    private final String affinityKey;
    private final AgentScript.Scenario scenario;
    private final List<ChatCompletionMessageParam> messages = new ArrayList<>();

    Conversation(String affinityKey, AgentScript.Scenario scenario) {
        this.affinityKey = affinityKey;
        this.scenario = scenario;
        messages.add(ChatCompletionMessageParam.ofSystem(
                ChatCompletionSystemMessageParam.builder().content(AgentScript.SYSTEM_PROMPT).build()));
        messages.add(user(scenario.task()));
    }

    String affinityKey() {
        return affinityKey;
    }

    /** The streaming request for the next turn, carrying this session's affinity header. */
    ChatCompletionCreateParams nextRequest(String model, long maxTokens, List<ChatCompletionTool> tools) {
        return ChatCompletionCreateParams.builder()
                .model(model)
                .messages(List.copyOf(messages))
                .tools(tools)
                .maxTokens(maxTokens)
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
                .putAdditionalHeader(AgentDemo.SESSION_HEADER, affinityKey)
                .build();
    }

    /**
     * Appends what turn {@code turn} produced: the assistant's reply (with the tool call the script pretends it
     * made), the tool's result, and the user's next message.
     */
    void recordReply(int turn, String reply) {
        AgentScript.SimulatedToolCall call = AgentScript.toolCallAfter(turn, scenario);
        String callId = "call_" + turn;
        messages.add(ChatCompletionMessageParam.ofAssistant(ChatCompletionAssistantMessageParam.builder()
                .content(reply)
                .addToolCall(ChatCompletionMessageFunctionToolCall.builder()
                        .id(callId)
                        .function(ChatCompletionMessageFunctionToolCall.Function.builder()
                                .name(call.name())
                                .arguments(call.argumentsJson())
                                .build())
                        .build())
                .build()));
        messages.add(ChatCompletionMessageParam.ofTool(ChatCompletionToolMessageParam.builder()
                .toolCallId(callId)
                .content(call.resultJson())
                .build()));
        messages.add(user(AgentScript.followUp(turn)));
    }

    private static ChatCompletionMessageParam user(String text) {
        return ChatCompletionMessageParam.ofUser(ChatCompletionUserMessageParam.builder().content(text).build());
    }
}
