package io.warmpath.bench.replay;

import io.warmpath.enginesim.engine.EngineConfig;
import io.warmpath.enginesim.engine.ModelProfile;

/**
 * The simulated deployment a policy routes over: {@code cells} engines, each with a prefix cache of
 * {@code cacheTokensPerCell} tokens.
 *
 * @param cells              inference cells (one engine each)
 * @param cacheTokensPerCell KV cache capacity of each engine, in tokens
 * @param profile            the model's speeds and prices
 * @param blockSize          the engines' KV block size in tokens
 * @param maxNumSeqs         running requests per engine; the rest wait
 */
public record Fleet(int cells, long cacheTokensPerCell, ModelProfile profile, int blockSize, int maxNumSeqs) {

    public Fleet {
        if (cells < 1 || cacheTokensPerCell < blockSize || blockSize < 1 || maxNumSeqs < 1) {
            throw new IllegalArgumentException("invalid fleet: " + cells + " cells of " + cacheTokensPerCell + " tokens");
        }
    }

    /** One cell's engine. */
    EngineConfig cellConfig() {
        return new EngineConfig(profile, blockSize, Math.toIntExact(cacheTokensPerCell / blockSize), maxNumSeqs,
                profile.maxModelLen());
    }

    /**
     * The ideal: one engine holding every cell's cache, and every cell's compute (N times the prefill rate and
     * running slots, the batch slowdown spread over N), so that latencies compare with the fleet's and only cache
     * placement differs. No routing can beat its hit ratio on the same order of requests.
     */
    EngineConfig idealConfig() {
        return idealConfig(cells);
    }

    /** The ideal for a fleet of {@code cells} such cells (after a scale-out). */
    EngineConfig idealConfig(int cells) {
        ModelProfile pooled = new ModelProfile(profile.name() + " x" + cells, profile.prefillTokensPerSecond() * cells,
                profile.decodeTokensPerSecond(), profile.batchSlowdownPerSequence() / cells, profile.overheadSeconds(),
                profile.maxModelLen(), profile.inputUsdPerMillion(), profile.cachedInputUsdPerMillion(),
                profile.outputUsdPerMillion());
        return new EngineConfig(pooled, blockSize, Math.toIntExact(cells * cacheTokensPerCell / blockSize),
                maxNumSeqs * cells, profile.maxModelLen());
    }
}
