package io.warmpath.enginesim.engine;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Speed and price of one simulated model.
 *
 * @param name                     profile name, e.g. {@code kimi-k2.5}
 * @param prefillTokensPerSecond   prompt tokens computed per model second, shared by concurrent prefills
 * @param decodeTokensPerSecond    output tokens per second of one request decoding alone (batch of 1)
 * @param batchSlowdownPerSequence growth of the inter-token time per extra running request (alpha)
 * @param overheadSeconds          fixed scheduling/launch cost before the first token
 * @param maxModelLen              context length (prompt plus output tokens)
 * @param inputUsdPerMillion       price of uncached input tokens
 * @param cachedInputUsdPerMillion price of cached input tokens
 * @param outputUsdPerMillion      price of output tokens
 */
public record ModelProfile(
        String name,
        double prefillTokensPerSecond,
        double decodeTokensPerSecond,
        double batchSlowdownPerSequence,
        double overheadSeconds,
        int maxModelLen,
        double inputUsdPerMillion,
        double cachedInputUsdPerMillion,
        double outputUsdPerMillion) {

    /**
     * A large MoE model. Prices as Workers AI lists Kimi K2.5; speeds are typical of a multi-GPU vLLM deployment.
     */
    public static final ModelProfile KIMI_K2_5 =
            new ModelProfile("kimi-k2.5", 6_000, 30, 0.01, 0.05, 262_144, 0.60, 0.10, 3.00);

    /**
     * A small dense model. Input and output prices as Workers AI lists {@code @cf/meta/llama-3.1-8b-instruct}; no
     * cached price is published there, so cached input is a quarter of input (illustrative).
     */
    public static final ModelProfile LLAMA_3_1_8B_INSTRUCT =
            new ModelProfile("llama-3.1-8b-instruct", 25_000, 150, 0.005, 0.01, 131_072, 0.282, 0.0705, 0.827);

    private static final Map<String, ModelProfile> BUILT_IN = Map.of(
            KIMI_K2_5.name(), KIMI_K2_5,
            LLAMA_3_1_8B_INSTRUCT.name(), LLAMA_3_1_8B_INSTRUCT);

    public ModelProfile {
        Objects.requireNonNull(name, "name");
        if (prefillTokensPerSecond <= 0 || decodeTokensPerSecond <= 0 || batchSlowdownPerSequence < 0
                || overheadSeconds < 0 || maxModelLen < 1) {
            throw new IllegalArgumentException("invalid model profile " + name);
        }
    }

    /** A built-in profile by name (case-insensitive). */
    public static Optional<ModelProfile> named(String name) {
        return Optional.ofNullable(BUILT_IN.get(name.toLowerCase(Locale.ROOT)));
    }

    /** Names of the built-in profiles. */
    public static Set<String> builtInNames() {
        return BUILT_IN.keySet();
    }

    /** Time between two output tokens with {@code runningBatch} requests running: base * (1 + alpha * (batch - 1)). */
    public double interTokenSeconds(int runningBatch) {
        return (1.0 + batchSlowdownPerSequence * Math.max(0, runningBatch - 1)) / decodeTokensPerSecond;
    }

    /** Price of one request in US dollars. */
    public double costUsd(long promptTokens, long cachedTokens, long completionTokens) {
        return ((promptTokens - cachedTokens) * inputUsdPerMillion
                + cachedTokens * cachedInputUsdPerMillion
                + completionTokens * outputUsdPerMillion) / 1_000_000.0;
    }
}
