package io.warmpath.bench.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PromptSynthesizerTest {

    @Test
    void sharedLeadingBlockIdsGiveIdenticalLeadingTokens() {
        int[] first = PromptSynthesizer.tokens(turn(new long[] {7, 8, 9}, 48));
        int[] second = PromptSynthesizer.tokens(turn(new long[] {7, 8, 1}, 48));

        assertThat(Arrays.copyOf(first, 32)).isEqualTo(Arrays.copyOf(second, 32));
        assertThat(Arrays.copyOfRange(first, 32, 48)).isNotEqualTo(Arrays.copyOfRange(second, 32, 48));
    }

    @Test
    void partialLastBlockIsAPrefixOfTheFullBlock() {
        int[] partial = PromptSynthesizer.tokens(turn(new long[] {7, 8}, 20));
        int[] full = PromptSynthesizer.tokens(turn(new long[] {7, 8}, 32));

        assertThat(partial).hasSize(20).isEqualTo(Arrays.copyOf(full, 20));
    }

    @Test
    void textHasOneWordPerTokenAndSharesPrefixesLikeTheTokens() {
        String first = PromptSynthesizer.text(turn(new long[] {7, 8}, 32));
        String second = PromptSynthesizer.text(turn(new long[] {7, 9}, 32));

        assertThat(first.split(" ")).hasSize(33); // a leading space before each of 32 words
        String firstBlock = String.join(" ", Arrays.copyOf(first.split(" "), 17));
        assertThat(second).startsWith(firstBlock).isNotEqualTo(first);
    }

    private static Turn turn(long[] blockIds, int promptTokens) {
        return new Turn(0, "s", "w", 0, blockIds, 16, promptTokens, 1);
    }
}
