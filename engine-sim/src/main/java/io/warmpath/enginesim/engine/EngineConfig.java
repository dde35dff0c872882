package io.warmpath.enginesim.engine;

import java.util.Objects;

/**
 * Shape of one simulated engine, named after vLLM's options.
 *
 * @param profile        speeds and prices
 * @param blockSize      tokens per KV block ({@code --block-size}, vLLM default 16)
 * @param capacityBlocks KV cache capacity in blocks ({@code --num-gpu-blocks-override})
 * @param maxNumSeqs     most requests running at once; the rest wait FIFO ({@code --max-num-seqs})
 * @param maxModelLen    context length ({@code --max-model-len})
 */
public record EngineConfig(ModelProfile profile, int blockSize, int capacityBlocks, int maxNumSeqs, int maxModelLen) {

    /** Default KV capacity: 4096 blocks of 16 tokens, 65,536 tokens (a small GPU's worth; override per engine). */
    public static final int DEFAULT_CAPACITY_BLOCKS = 4096;

    public EngineConfig {
        Objects.requireNonNull(profile, "profile");
        if (blockSize < 1 || capacityBlocks < 1 || maxNumSeqs < 1 || maxModelLen < 1) {
            throw new IllegalArgumentException("blockSize, capacityBlocks, maxNumSeqs and maxModelLen must be positive");
        }
    }

    /** vLLM's defaults (block size 16, 256 sequences) with the profile's context length. */
    public static EngineConfig defaults(ModelProfile profile) {
        return new EngineConfig(profile, 16, DEFAULT_CAPACITY_BLOCKS, 256, profile.maxModelLen());
    }
}
