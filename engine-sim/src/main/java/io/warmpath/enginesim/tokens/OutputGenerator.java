package io.warmpath.enginesim.tokens;

import java.util.ArrayList;
import java.util.List;

/**
 * Deterministic model output: text of exactly the requested number of tokens, chosen by a seed (callers derive it
 * from the prompt, so equal prompts give equal answers).
 *
 * <p>The text is a sequence of words that are each one o200k_base token: the first capitalised without a leading
 * space, the rest lower case with one. Such words are separate pre-tokeniser chunks, so the text re-encodes to
 * exactly as many tokens as it has words, and a shorter answer is a prefix of a longer one for the same seed.
 */
public final class OutputGenerator {

    private static final String[] CANDIDATE_WORDS = {
            "the", "time", "river", "stone", "light", "model", "cache", "token", "water", "green", "quiet", "north",
            "signal", "garden", "paper", "window", "market", "silver", "forest", "bridge", "cloud", "engine", "route",
            "warm", "path", "field", "story", "music", "ocean", "mountain", "winter", "summer", "table", "letter",
            "number", "system", "answer", "simple", "stable", "future", "island", "morning", "evening", "city",
            "road", "house", "open", "clear", "bright", "small", "large", "early", "late", "fast", "slow", "good",
            "new", "old", "high", "low", "long", "short", "first", "last", "next", "plan", "step", "turn", "note",
            "data", "record", "value", "order", "level", "point", "line", "page", "book", "word", "name", "place"};

    private final String[] capitalised;
    private final String[] spaced;
    private final int[] capitalisedIds;
    private final int[] spacedIds;

    /** Builds the vocabulary from the words that are single tokens for this tokeniser. */
    public OutputGenerator(PromptTokenizer tokenizer) {
        List<String> accepted = new ArrayList<>();
        for (String word : CANDIDATE_WORDS) {
            String upper = Character.toUpperCase(word.charAt(0)) + word.substring(1);
            if (tokenizer.encode(" " + word).length == 1 && tokenizer.encode(upper).length == 1) {
                accepted.add(word);
            }
        }
        if (accepted.size() < 16) {
            throw new IllegalStateException("tokeniser yields too few single-token words: " + accepted.size());
        }
        int size = accepted.size();
        capitalised = new String[size];
        spaced = new String[size];
        capitalisedIds = new int[size];
        spacedIds = new int[size];
        for (int index = 0; index < size; index++) {
            String word = accepted.get(index);
            capitalised[index] = Character.toUpperCase(word.charAt(0)) + word.substring(1);
            spaced[index] = " " + word;
            capitalisedIds[index] = tokenizer.encode(capitalised[index])[0];
            spacedIds[index] = tokenizer.encode(spaced[index])[0];
        }
    }

    /** Text of exactly {@code tokens} tokens for this seed. */
    public GeneratedText generate(long seed, int tokens) {
        if (tokens < 0) {
            throw new IllegalArgumentException("tokens must not be negative");
        }
        String[] pieces = new String[tokens];
        int[] ids = new int[tokens];
        long state = seed;
        for (int index = 0; index < tokens; index++) {
            state = mix(state + 0x9E3779B97F4A7C15L);
            int word = (int) Long.remainderUnsigned(state, spaced.length);
            pieces[index] = index == 0 ? capitalised[word] : spaced[word];
            ids[index] = index == 0 ? capitalisedIds[word] : spacedIds[word];
        }
        return new GeneratedText(List.of(pieces), ids);
    }

    /** A seed that depends on every prompt token. */
    public static long seedOf(int[] promptTokens) {
        long hash = 0x1234_5678_9ABC_DEF0L;
        for (int token : promptTokens) {
            hash = (hash ^ token) * 0x100000001B3L;
        }
        return mix(hash);
    }

    /** splitmix64 finaliser. */
    private static long mix(long value) {
        long z = value;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
