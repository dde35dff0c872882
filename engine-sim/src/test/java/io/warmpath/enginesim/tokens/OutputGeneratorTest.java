package io.warmpath.enginesim.tokens;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class OutputGeneratorTest {

    private static final PromptTokenizer TOKENIZER = new PromptTokenizer();
    private static final OutputGenerator GENERATOR = new OutputGenerator(TOKENIZER);

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 16, 100, 1000, 4096})
    void outputIsExactlyTheRequestedNumberOfTokens(int maxTokens) {
        for (long seed = 0; seed < 20; seed++) {
            GeneratedText text = GENERATOR.generate(seed * 7919, maxTokens);

            assertThat(TOKENIZER.encode(text.text())).hasSize(maxTokens).isEqualTo(text.tokenIds());
            assertThat(text.pieces()).hasSize(maxTokens);
        }
    }

    @Test
    void outputIsADeterministicFunctionOfThePrompt() {
        int[] prompt = TOKENIZER.encode("What is the weather like?");
        int[] otherPrompt = TOKENIZER.encode("What is the weather like!");

        String answer = GENERATOR.generate(OutputGenerator.seedOf(prompt), 32).text();

        assertThat(GENERATOR.generate(OutputGenerator.seedOf(prompt.clone()), 32).text()).isEqualTo(answer);
        assertThat(GENERATOR.generate(OutputGenerator.seedOf(otherPrompt), 32).text()).isNotEqualTo(answer);
    }

    @Test
    void shorterAnswerIsAPrefixOfLongerOneForTheSameSeed() {
        assertThat(GENERATOR.generate(42, 50).text()).startsWith(GENERATOR.generate(42, 10).text());
    }
}
