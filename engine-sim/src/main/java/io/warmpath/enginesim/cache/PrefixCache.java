package io.warmpath.enginesim.cache;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A paged prefix (KV) cache that behaves like vLLM's automatic prefix caching.
 *
 * <ul>
 *   <li>Prompts are split into blocks of {@code blockSize} tokens; only full blocks are cached.</li>
 *   <li>A block's hash chains its parent's hash and its own token ids, so a block hits only when the whole
 *       prefix before it is equal.</li>
 *   <li>A prompt may carry a cache salt (vLLM's {@code cache_salt}): like vLLM, it is mixed into the first block's
 *       hash only, and every later block inherits it through the chain, so a salted prompt matches only blocks
 *       cached under the same salt, and an unsalted prompt only unsalted blocks. Salts share one LRU and one
 *       capacity; they evict each other only as any other prompts would.</li>
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
    /** Starts the salt's part of a first block's hash, so that it cannot pass for a next block's token ids. */
    private static final long SALT_DOMAIN = 0x5A17_5A17_5A17_5A17L;

    private final int blockSize;
    private final int capacityBlocks;
    private final Map<Long, Block> blocksByHash = new HashMap<>();
    /** Unreferenced cached blocks, least recently released at the head. */
    private final Block lruHead = new Block(0, 0, null, new int[0]);
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

    /** Chained hashes of an unsalted prompt's full blocks, see {@link #blockHashes(int[], String)}. */
    public long[] blockHashes(int[] tokens) {
        return blockHashes(tokens, null);
    }

    /**
     * Chained hashes of the prompt's full blocks (a partial last block has none).
     *
     * @param cacheSalt mixed into the first block's hash (and so into every later one); null or empty for none,
     *                  as in vLLM, where an empty salt adds no key
     */
    public long[] blockHashes(int[] tokens, String cacheSalt) {
        String salt = normalised(cacheSalt);
        long[] hashes = new long[tokens.length / blockSize];
        long parent = ROOT_HASH;
        for (int block = 0; block < hashes.length; block++) {
            parent = hashBlock(parent, tokens, block * blockSize, blockSize);
            if (block == 0 && salt != null) {
                parent = saltedHash(parent, salt);
            }
            hashes[block] = parent;
        }
        return hashes;
    }

    /** Allocates blocks for an unsalted prompt, see {@link #allocate(int[], String, long[])}. */
    public CacheAllocation allocate(int[] tokens) {
        return allocate(tokens, null);
    }

    /** Allocates blocks for a prompt, see {@link #allocate(int[], String, long[])}. */
    public CacheAllocation allocate(int[] tokens, String cacheSalt) {
        return allocate(tokens, cacheSalt, blockHashes(tokens, cacheSalt));
    }

    /**
     * Matches the prompt's longest cached prefix under its salt, pins it, and caches the prompt's remaining full
     * blocks under that salt. Counts the prompt as a query and the matched tokens as hits, salted or not.
     *
     * @param cacheSalt the prompt's cache salt; null or empty for none
     * @param hashes    {@link #blockHashes(int[], String)} of {@code tokens} and {@code cacheSalt}
     */
    public synchronized CacheAllocation allocate(int[] tokens, String cacheSalt, long[] hashes) {
        String salt = normalised(cacheSalt);
        int length = tokens.length;
        int fullBlocks = hashes.length;
        // vLLM recomputes at least the last prompt token, so a fully cached prompt still gives back one block.
        int matchLimit = length == 0 ? 0 : Math.min(fullBlocks, (length - 1) / blockSize);
        Block[] pinned = new Block[fullBlocks];
        int pinnedCount = 0;
        int matchedBlocks = 0;
        while (matchedBlocks < matchLimit) {
            Block block = lookup(hashes, tokens, salt, matchedBlocks);
            if (block == null) {
                break;
            }
            pin(block);
            pinned[pinnedCount++] = block;
            matchedBlocks++;
        }
        int privateBlocks = length % blockSize == 0 ? 0 : 1;
        for (int index = matchedBlocks; index < fullBlocks; index++) {
            Block block = lookup(hashes, tokens, salt, index);
            if (block == null && !blocksByHash.containsKey(hashes[index]) && makeRoom(privateBlocks)) {
                long parent = index == 0 ? ROOT_HASH : hashes[index - 1];
                block = new Block(hashes[index], parent, index == 0 ? salt : null, slice(tokens, index));
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

    /** Tokens of an unsalted prompt that would be served from cache right now; no pinning, no statistics. */
    public int cachedPrefixTokens(int[] tokens) {
        return cachedPrefixTokens(tokens, null);
    }

    /**
     * Tokens of the prompt that would be served from cache right now under its salt; no pinning, no statistics.
     *
     * @param cacheSalt the prompt's cache salt; null or empty for none
     */
    public synchronized int cachedPrefixTokens(int[] tokens, String cacheSalt) {
        String salt = normalised(cacheSalt);
        long[] hashes = blockHashes(tokens, salt);
        int matchLimit = tokens.length == 0 ? 0 : Math.min(hashes.length, (tokens.length - 1) / blockSize);
        int matched = 0;
        while (matched < matchLimit && lookup(hashes, tokens, salt, matched) != null) {
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

    private Block lookup(long[] hashes, int[] tokens, String salt, int index) {
        Block block = blocksByHash.get(hashes[index]);
        long parent = index == 0 ? ROOT_HASH : hashes[index - 1];
        String blockSalt = index == 0 ? salt : null;
        return block != null && block.holds(parent, blockSalt, tokens, index * blockSize) ? block : null;
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

    /** vLLM adds no extra key for an empty salt, so an empty salt shares the unsalted blocks. */
    private static String normalised(String cacheSalt) {
        return cacheSalt == null || cacheSalt.isEmpty() ? null : cacheSalt;
    }

    private static long hashBlock(long parent, int[] tokens, int from, int count) {
        long hash = parent * 0x9E3779B97F4A7C15L + count;
        for (int index = from; index < from + count; index++) {
            hash = mix(hash, tokens[index]);
        }
        return finish(hash);
    }

    /** A first block's hash with the salt as its extra key (vLLM's extra_keys of block 0). */
    private static long saltedHash(long blockHash, String salt) {
        long hash = (blockHash ^ SALT_DOMAIN) * 0x9E3779B97F4A7C15L + salt.length();
        for (int index = 0; index < salt.length(); index++) {
            hash = mix(hash, salt.charAt(index));
        }
        return finish(hash);
    }

    private static long mix(long hash, int value) {
        return Long.rotateLeft(hash ^ (value * 0xC2B2AE3D27D4EB4FL), 31) * 0x9E3779B97F4A7C15L;
    }

    /** murmur3 finaliser: spreads the bits so HashMap buckets stay even. */
    private static long finish(long hash) {
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
        /** The salt of a salted prompt's first block; null otherwise (later blocks carry it in their parent hash). */
        final String salt;
        final int[] tokens;
        int refCount;
        Block prev;
        Block next;

        Block(long hash, long parentHash, String salt, int[] tokens) {
            this.hash = hash;
            this.parentHash = parentHash;
            this.salt = salt;
            this.tokens = tokens;
        }

        /**
         * Guards against 64-bit hash collisions: a hit needs the same parent, the same salt (first blocks) and the
         * same token ids. Matching starts at a prompt's first block, so it never crosses into another salt's chain,
         * even through a collision.
         */
        boolean holds(long parent, String blockSalt, int[] prompt, int from) {
            if (parentHash != parent || !Objects.equals(salt, blockSalt)) {
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
