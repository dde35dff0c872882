package io.warmpath.enginesim.cache;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The blocks one request holds in a {@link PrefixCache} while it runs. Give it back with
 * {@link PrefixCache#release(CacheAllocation)}.
 */
public final class CacheAllocation {

    private final int promptTokens;
    private final int cachedTokens;
    private final PrefixCache.Block[] blocks;
    private final int privateBlocks;
    private final AtomicBoolean released = new AtomicBoolean();

    CacheAllocation(int promptTokens, int cachedTokens, PrefixCache.Block[] blocks, int privateBlocks) {
        this.promptTokens = promptTokens;
        this.cachedTokens = cachedTokens;
        this.blocks = blocks;
        this.privateBlocks = privateBlocks;
    }

    /** Prompt length in tokens. */
    public int promptTokens() {
        return promptTokens;
    }

    /** Prompt tokens served from cache: matched full blocks times the block size, always below the prompt length. */
    public int cachedTokens() {
        return cachedTokens;
    }

    /** Prompt tokens that must be computed (prefilled). */
    public int uncachedTokens() {
        return promptTokens - cachedTokens;
    }

    PrefixCache.Block[] blocks() {
        return blocks;
    }

    int privateBlocks() {
        return privateBlocks;
    }

    boolean markReleased() {
        return released.compareAndSet(false, true);
    }
}
