package io.warmpath.enginesim.tokens;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PromptTokenizerTest {

    private static final PromptTokenizer TOKENIZER = new PromptTokenizer();

    @Test
    void equalMessagePrefixesGiveEqualTokenPrefixes() {
        List<ChatMessage> firstTurn = List.of(
                new ChatMessage("system", "You are a careful agent. Use tools when needed."),
                new ChatMessage("user", "List the files, then summarise them."));
        List<ChatMessage> secondTurn = List.of(
                firstTurn.get(0), firstTurn.get(1),
                new ChatMessage("assistant", "Listing now."),
                new ChatMessage("tool", "a.txt\nb.txt  \n"),
                new ChatMessage("user", "Thanks!"));
        List<String> tools = List.of("{\"function\":{\"name\":\"ls\"},\"type\":\"function\"}");

        int[] first = TOKENIZER.encodeChat(firstTurn, tools, true);
        int[] second = TOKENIZER.encodeChat(secondTurn, tools, true);

        assertThat(second.length).isGreaterThan(first.length);
        assertThat(Arrays.copyOf(second, first.length)).isEqualTo(first);
    }

    @Test
    void segmentWiseTokensEqualTokensOfTheWholeRenderedChat() {
        List<ChatMessage> chat = List.of(
                new ChatMessage("system", "Trailing spaces   "),
                new ChatMessage("user", "ends with punctuation!?"),
                new ChatMessage("assistant", "\n\nleading newlines and ünïcödé 日本語"),
                new ChatMessage("user", "1234567 numbers / slashes //"),
                new ChatMessage("tool", ""));
        List<String> tools = List.of("{\"a\":1}", "{\"b\":[true,null]}");

        for (boolean generationPrompt : new boolean[] {true, false}) {
            int[] segmentWise = TOKENIZER.encodeChat(chat, tools, generationPrompt);
            int[] whole = TOKENIZER.encode(TOKENIZER.renderChat(chat, tools, generationPrompt));
            assertThat(segmentWise).isEqualTo(whole);
        }
    }

    @Test
    void repeatedChatsTokeniseIdentically() {
        List<ChatMessage> chat = List.of(new ChatMessage("user", "same text"));

        assertThat(TOKENIZER.encodeChat(chat, List.of(), true)).isEqualTo(TOKENIZER.encodeChat(chat, List.of(), true));
    }

    @Test
    void templateRendersToolsBeforeMessagesAndEndsWithTheAssistantOpener() {
        String rendered = TOKENIZER.renderChat(List.of(new ChatMessage("user", "hi")), List.of("{\"x\":1}"), true);

        assertThat(rendered).isEqualTo("<|im_start|>system\n# Tools\n{\"x\":1}<|im_end|>\n"
                + "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n");
    }
}
