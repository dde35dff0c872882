package io.warmpath.inference.prefix;

import io.warmpath.contracts.sessions.PrefixBreak;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class PromptBlocksTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String SYSTEM = "{\"role\":\"system\",\"content\":\"You review code. Be terse.\"}";
    private static final String TOOL_A = "{\"type\":\"function\",\"function\":{\"name\":\"read_file\"}}";
    private static final String TOOL_B = "{\"type\":\"function\",\"function\":{\"name\":\"grep\"}}";
    private static final String USER_1 = "{\"role\":\"user\",\"content\":\"Look at main.py\"}";
    private static final String REPLY_1 = "{\"role\":\"assistant\",\"content\":\"It is fine.\"}";
    private static final String USER_2 = "{\"role\":\"user\",\"content\":\"And test.py?\"}";

    @Test
    void aTurnThatOnlyAppendsBreaksNothing() {
        PromptBlocks first = blocks(SYSTEM, "[" + TOOL_A + "," + TOOL_B + "]", USER_1);
        PromptBlocks second = blocks(SYSTEM, "[" + TOOL_A + "," + TOOL_B + "]", USER_1, REPLY_1, USER_2);

        assertThat(second.breakAgainst(first)).isEmpty();
    }

    @Test
    void aClientsMemberOrderIsNotABreak() {
        PromptBlocks first = blocks(SYSTEM, "[" + TOOL_A + "]", USER_1);
        PromptBlocks reordered = blocks("{\"content\":\"You review code. Be terse.\",\"role\":\"system\"}",
                "[{\"function\":{\"name\":\"read_file\"},\"type\":\"function\"}]", USER_1, REPLY_1);

        assertThat(reordered.breakAgainst(first)).isEmpty();
    }

    @Test
    void aChangedSystemPromptBreaksAtTheStart() {
        PromptBlocks first = blocks(SYSTEM, "[" + TOOL_A + "]", USER_1);
        PromptBlocks second = blocks("{\"role\":\"system\",\"content\":\"You review code. It is 10:42.\"}",
                "[" + TOOL_A + "]", USER_1, REPLY_1, USER_2);

        assertThat(second.breakAgainst(first)).contains(new PrefixBreak(PrefixBreak.SYSTEM, 0));
    }

    @Test
    void reorderedToolsBreakInTheToolsAfterTheSystemPrompt() {
        PromptBlocks first = blocks(SYSTEM, "[" + TOOL_A + "," + TOOL_B + "]", USER_1);
        PromptBlocks second = blocks(SYSTEM, "[" + TOOL_B + "," + TOOL_A + "]", USER_1, REPLY_1);

        PrefixBreak at = second.breakAgainst(first).orElseThrow();
        assertThat(at.section()).isEqualTo(PrefixBreak.TOOLS);
        // A quarter of the system message's canonical bytes precede it.
        assertThat(at.tokenPosition()).isEqualTo(SYSTEM.length() / 4);
    }

    @Test
    void editedOrDroppedHistoryBreaksInTheHistory() {
        PromptBlocks first = blocks(SYSTEM, "[]", USER_1, REPLY_1, USER_2);
        PromptBlocks edited = blocks(SYSTEM, "[]", USER_1, "{\"role\":\"assistant\",\"content\":\"Edited.\"}", USER_2);
        PromptBlocks dropped = blocks(SYSTEM, "[]", USER_2);

        assertThat(edited.breakAgainst(first)).hasValueSatisfying(at -> assertThat(at.section()).isEqualTo("history"));
        assertThat(dropped.breakAgainst(first)).hasValueSatisfying(at -> {
            assertThat(at.section()).isEqualTo("history");
            assertThat(at.tokenPosition()).isEqualTo(SYSTEM.length() / 4);
        });
    }

    private static PromptBlocks blocks(String system, String tools, String... history) {
        JsonNode body = JSON.readTree("{\"model\":\"m\",\"tools\":" + tools + ",\"messages\":[" + system + ","
                + String.join(",", history) + "]}");
        return PromptBlocks.of(body);
    }
}
