package io.warmpath.cli.demo;

import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageParam;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ConversationTest {

    private final Conversation conversation = new Conversation("demo-x-1", AgentScript.scenario(0));

    @Test
    void everyRequestStartsWithThePreviousRequestsMessages() {
        List<ChatCompletionMessageParam> previous = request().messages();
        for (int turn = 1; turn <= 5; turn++) {
            conversation.recordReply(turn, "Reply " + turn);
            List<ChatCompletionMessageParam> next = request().messages();

            assertThat(next).hasSize(previous.size() + 3).startsWith(previous.toArray(ChatCompletionMessageParam[]::new));
            assertThat(next.get(previous.size()).isAssistant()).isTrue();
            assertThat(next.get(previous.size() + 1).isTool()).isTrue();
            assertThat(next.getLast().isUser()).isTrue();
            previous = next;
        }
    }

    @Test
    void toolResultAnswersTheToolCallOfTheSameTurn() {
        conversation.recordReply(1, "Let me look.");
        List<ChatCompletionMessageParam> messages = request().messages();

        String callId = messages.get(2).asAssistant().toolCalls().orElseThrow().getFirst().asFunction().id();
        assertThat(messages.get(3).asTool().toolCallId()).isEqualTo(callId);
    }

    @Test
    void requestCarriesTheSessionHeaderToolsAndUsageOption() {
        ChatCompletionCreateParams params = request();

        assertThat(params._headers().values(AgentDemo.SESSION_HEADER)).containsExactly("demo-x-1");
        assertThat(params.tools().orElseThrow()).hasSize(4);
        assertThat(params.streamOptions().orElseThrow().includeUsage()).contains(true);
        assertThat(params.maxTokens()).contains(48L);
        assertThat(params.messages().getFirst().asSystem().content().asText()).isEqualTo(AgentScript.SYSTEM_PROMPT);
    }

    @Test
    void systemPromptIsLongEnoughToMatter() {
        // Roughly 4 characters per token: a few hundred tokens is a prefix worth caching.
        assertThat(AgentScript.SYSTEM_PROMPT.length()).isGreaterThan(1600);
    }

    private ChatCompletionCreateParams request() {
        return conversation.nextRequest("m", 48, AgentScript.tools());
    }
}
