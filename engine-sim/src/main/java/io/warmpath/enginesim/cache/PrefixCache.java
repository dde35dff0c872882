package io.warmpath.enginesim.cache;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A paged prefix (KV) cache that behaves like vLLM's automatic prefix caching.
 *
 * <ul>
 *   <li>Prompts are split into blocks of {@code blockSize} tokens; only full blocks are cached.</li>
 *   <li>A block's hash chains its parent's hash and its own token ids, so a block hits only when the whole
 *       prefix before it is equal.</li>
 *   <li>Blocks used by a running request are pinned (reference counted) until {@link #release(CacheAllocation)}.</li>
 *   <li>Unreferenced blocks stay cached and are evicted least recently used first when room is needed; like vLLM,
 *       a released sequence's blocks are queued tail first, so its deepest blocks go before its shared prefix.</li>
 *   <li>Like vLLM, at least one prompt token is always recomputed: cached tokens never reach the prompt length.</li>
 * </ul>
 *
 * <p>Capacity counts every block a running request holds: cached (hashed) blocks plus its private blocks (the
 * partial last block, and full blocks that found no room). The simulator never preempts: when every block is pinned,
 * new blocks are simply not cached, so {@link #usage()} is capped at 1.
 *
 * <p>Thread-safe; {@link #allocate} and {@link #release} cost O(blocks of the prompt). {@link #blockHashes} is a pure
 * function, so callers can compute it outside the cache's lock.
 */
public final class PrefixCache {

    /** Parent hash of a prompt's first block. */
    private static final long ROOT_HASH = 0x5EED_CAFE_F00D_BEEFL;

    private final int blockSize;
    private final int capacityBlocks;
    private final Map<Long, Block> blocksByHash = new HashMap<>();
    /** Unreferenced cached blocks, least recently released at the head. */
    private final Block lruHead = new Block(0, 0, new int[0]);
    private int privateBlocksInUse;
    private int pinnedCachedBlocks;
    private final AtomicLong queriedTokens = new AtomicLong();
    private final AtomicLong hitTokens = new AtomicLong();
    private volatile double usage;

    /**
     * @param blockSize      tokens per block (vLLM default 16)
     * @param capacityBlocks blocks the cache can hold (vLLM's num_gpu_blocks)
     */
    public PrefixCache(int blockSize, int capacityBlocks) {
        if (blockSize < 1 || capacityBlocks < 1) {
            throw new IllegalArgumentException("blockSize and capacityBlocks must be positive");
        }
        this.blockSize = blockSize;
        this.capacityBlocks = capacityBlocks;
        lruHead.prev = lruHead;
        lruHead.next = lruHead;
    }

    /** Chained hashes of the prompt's full blocks (a partial last block has none). */
    public long[] blockHashes(int[] tokens) {
        long[] hashes = new long[tokens.length / blockSize];
        long parent = ROOT_HASH;
        for (int block = 0; block < hashes.length; block++) {
            parent = hashBlock(parent, tokens, block * blockSize, blockSize);
            hashes[block] = parent;
        }
        return hashes;
    }

    /** Allocates blocks for a prompt, see {@link #allocate(int[], long[])}. */
    public CacheAllocation allocate(int[] tokens) {
        return allocate(tokens, blockHashes(tokens));
    }

    /**
     * Matches the prompt's longest cached prefix, pins it, and caches the prompt's remaining full blocks.
     * Counts the prompt as a query and the matched tokens as hits.
     *
     * @param hashes {@link #blockHashes(int[])} of {@code tokens}
     */
    public synchronized CacheAllocation allocate(int[] tokens, long[] hashes) {
        int length = tokens.length;
        int fullBlocks = hashes.length;
        // vLLM recomputes at least the last prompt token, so a fully cached prompt still gives back one block.
        int matchLimit = length == 0 ? 0 : Math.min(fullBlocks, (length - 1) / blockSize);
        Block[] pinned = new Block[fullBlocks];
        int pinnedCount = 0;
        int matchedBlocks = 0;
        while (matchedBlocks < matchLimit) {
            Block block = lookup(hashes, tokens, matchedBlocks);
            if (block == null) {
                break;
            }
            pin(block);
            pinned[pinnedCount++] = block;
            matchedBlocks++;
        }
        int privateBlocks = length % blockSize == 0 ? 0 : 1;
        for (int index = matchedBlocks; index < fullBlocks; index++) {
            Block block = lookup(hashes, tokens, index);
            if (block == null && !blocksByHash.containsKey(hashes[index]) && makeRoom(privateBlocks)) {
                long parent = index == 0 ? ROOT_HASH : hashes[index - 1];
                block = new Block(hashes[index], parent, slice(tokens, index));
                blocksByHash.put(block.hash, block);
            }
            if (block == null) {
                privateBlocks++; // no room (or a hash collision): computed but not cached
                continue;
            }
            pin(block);
            pinned[pinnedCount++] = block;
        }
        privateBlocksInUse += privateBlocks;
        int cachedTokens = matchedBlocks * blockSize;
        queriedTokens.addAndGet(length);
        hitTokens.addAndGet(cachedTokens);
        updateUsage();
        return new CacheAllocation(length, cachedTokens, Arrays.copyOf(pinned, pinnedCount), privateBlocks);
    }

    /** Unpins an allocation's blocks; they stay cached until evicted. Releasing twice is a no-op. */
    public synchronized void release(CacheAllocation allocation) {
        if (!allocation.markReleased()) {
            return;
        }
        Block[] blocks = allocation.blocks();
        // Tail first, so that eviction takes a sequence's deepest blocks before its shared prefix (as vLLM does).
        for (int index = blocks.length - 1; index >= 0; index--) {
            Block block = blocks[index];
            if (--block.refCount == 0) {
                pinnedCachedBlocks--;
                appendToLru(block);
            }
        }
        privateBlocksInUse -= allocation.privateBlocks();
        updateUsage();
    }

    /** Tokens of the prompt that would be served from cache right now; no pinning, no statistics. */
    public synchronized int cachedPrefixTokens(int[] tokens) {
        long[] hashes = blockHashes(tokens);
        int matchLimit = tokens.length == 0 ? 0 : Math.min(hashes.length, (tokens.length - 1) / blockSize);
        int matched = 0;
        while (matched < matchLimit && lookup(hashes, tokens, matched) != null) {
            matched++;
        }
        return matched * blockSize;
    }

    /** Drops every unpinned block (vLLM's reset_prefix_cache). */
    public synchronized void reset() {
        while (lruHead.next != lruHead) {
            Block block = lruHead.next;
            unlinkFromLru(block);
            blocksByHash.remove(block.hash);
        }
        updateUsage();
    }

    public int blockSize() {
        return blockSize;
    }

    public int capacityBlocks() {
        return capacityBlocks;
    }

    /** Blocks currently holding a cached prefix (pinned or not). */
    public synchronized int cachedBlocks() {
        return blocksByHash.size();
    }

    /** Fraction of blocks held by running requests, 0..1 (vLLM's kv_cache_usage_perc). */
    public double usage() {
        return usage;
    }

    /** Prompt tokens looked up so far (vLLM's prefix_cache_queries). */
    public long queriedTokens() {
        return queriedTokens.get();
    }

    /** Prompt tokens served from cache so far (vLLM's prefix_cache_hits). */
    public long hitTokens() {
        return hitTokens.get();
    }

    private Block lookup(long[] hashes, int[] tokens, int index) {
        Block block = blocksByHash.get(hashes[index]);
        long parent = index == 0 ? ROOT_HASH : hashes[index - 1];
        return block != null && block.holds(parent, tokens, index * blockSize) ? block : null;
    }

    private void pin(Block block) {
        if (block.refCount++ == 0) {
            pinnedCachedBlocks++;
            if (block.prev != null) {
                unlinkFromLru(block);
            }
        }
    }

    /** Evicts unreferenced blocks until one more block fits; false when everything left is pinned. */
    private boolean makeRoom(int pendingPrivateBlocks) {
        while (blocksByHash.size() + privateBlocksInUse + pendingPrivateBlocks >= capacityBlocks) {
            Block victim = lruHead.next;
            if (victim == lruHead) {
                return false;
            }
            unlinkFromLru(victim);
            blocksByHash.remove(victim.hash);
        }
        return true;
    }

    private void appendToLru(Block block) {
        block.prev = lruHead.prev;
        block.next = lruHead;
        lruHead.prev.next = block;
        lruHead.prev = block;
    }

    private void unlinkFromLru(Block block) {
        block.prev.next = block.next;
        block.next.prev = block.prev;
        block.prev = null;
        block.next = null;
    }

    private void updateUsage() {
        usage = Math.min(1.0, (pinnedCachedBlocks + privateBlocksInUse) / (double) capacityBlocks);
    }

    private int[] slice(int[] tokens, int blockIndex) {
        int from = blockIndex * blockSize;
        return Arrays.copyOfRange(tokens, from, from + blockSize);
    }

    private static long hashBlock(long parent, int[] tokens, int from, int count) {
        long hash = parent * 0x9E3779B97F4A7C15L + count;
        for (int index = from; index < from + count; index++) {
            hash = Long.rotateLeft(hash ^ (tokens[index] * 0xC2B2AE3D27D4EB4FL), 31) * 0x9E3779B97F4A7C15L;
        }
        // murmur3 finaliser: spreads the bits so HashMap buckets stay even
        hash ^= hash >>> 33;
        hash *= 0xFF51AFD7ED558CCDL;
        hash ^= hash >>> 33;
        hash *= 0xC4CEB9FE1A85EC53L;
        return hash ^ (hash >>> 33);
    }

    /** One cached block; {@code prev}/{@code next} link it into the LRU list while unreferenced. */
    static final class Block {
        final long hash;
        final long parentHash;
        final int[] tokens;
        int refCount;
        Block prev;
        Block next;

        Block(long hash, long parentHash, int[] tokens) {
            this.hash = hash;
            this.parentHash = parentHash;
            this.tokens = tokens;
        }

        /** Guards against 64-bit hash collisions: a hit needs the same parent and the same token ids. */
        boolean holds(long parent, int[] prompt, int from) {
            if (parentHash != parent) {
                return false;
            }
            for (int index = 0; index < tokens.length; index++) {
                if (tokens[index] != prompt[from + index]) {
                    return false;
                }
            }
            return true;
        }
    }
}
