package io.warmpath.enginesim.cache;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class PrefixCacheTest {

    private static final int BLOCK = 16;

    @Test
    void samePrefixIsServedFromCache() {
        PrefixCache cache = new PrefixCache(BLOCK, 64);
        int[] firstTurn = tokens(0, 48);
        cache.release(cache.allocate(firstTurn));

        CacheAllocation secondTurn = cache.allocate(concat(firstTurn, tokens(1000, 20)));

        assertThat(secondTurn.cachedTokens()).isEqualTo(48);
        assertThat(secondTurn.uncachedTokens()).isEqualTo(20);
    }

    @Test
    void firstRequestHasNothingCached() {
        PrefixCache cache = new PrefixCache(BLOCK, 64);

        assertThat(cache.allocate(tokens(0, 100)).cachedTokens()).isZero();
    }

    @Test
    void partialBlockIsNotCached() {
        PrefixCache cache = new PrefixCache(BLOCK, 64);
        int[] prompt = tokens(0, 20); // one full block plus 4 tokens
        cache.release(cache.allocate(prompt));

        CacheAllocation longer = cache.allocate(concat(prompt, tokens(500, 30)));

        assertThat(longer.cachedTokens()).isEqualTo(16);
        assertThat(cache.cachedBlocks()).isEqualTo(3); // block 0 from the first prompt, blocks 1 and 2 now
    }

    @Test
    void divergentBlockBreaksTheChainEvenWhenLaterBlocksAreEqual() {
        PrefixCache cache = new PrefixCache(BLOCK, 64);
        int[] original = concat(tokens(0, 16), tokens(100, 16), tokens(200, 16), tokens(900, 1));
        cache.release(cache.allocate(original));
        int[] divergent = original.clone();
        divergent[20] = 99_999; // inside the second block; the third block's tokens stay equal

        CacheAllocation allocation = cache.allocate(divergent);

        assertThat(allocation.cachedTokens()).isEqualTo(16);
    }

    @Test
    void wholePromptIsNeverReportedAsCached() {
        PrefixCache cache = new PrefixCache(BLOCK, 64);
        int[] exactBlocks = tokens(0, 32);
        cache.release(cache.allocate(exactBlocks));
        int[] oneMore = tokens(0, 33);

        CacheAllocation repeatOfExactBlocks = cache.allocate(exactBlocks);
        cache.release(repeatOfExactBlocks);
        CacheAllocation longer = cache.allocate(oneMore);

        // vLLM recomputes at least the last token: 32 cached tokens would cover the whole prompt.
        assertThat(repeatOfExactBlocks.cachedTokens()).isEqualTo(16);
        assertThat(longer.cachedTokens()).isEqualTo(32);
    }

    @Test
    void unreferencedBlocksAreEvictedLeastRecentlyUsedFirstWhilePinnedBlocksSurvive() {
        PrefixCache cache = new PrefixCache(BLOCK, 6);
        int[] pinned = tokens(0, 32);
        int[] older = tokens(1000, 32);
        int[] newer = tokens(2000, 32);
        cache.allocate(pinned); // stays running
        cache.release(cache.allocate(older));
        cache.release(cache.allocate(newer)); // cache is now full: 6 blocks

        cache.release(cache.allocate(tokens(3000, 32))); // needs 2 blocks

        assertThat(cache.cachedPrefixTokens(concat(pinned, tokens(9, 1)))).isEqualTo(32);
        assertThat(cache.cachedPrefixTokens(concat(older, tokens(9, 1)))).isZero();
        assertThat(cache.cachedPrefixTokens(concat(newer, tokens(9, 1)))).isEqualTo(32);
    }

    @Test
    void evictionTakesASequencesDeepestBlocksBeforeItsSharedPrefix() {
        PrefixCache cache = new PrefixCache(BLOCK, 4);
        int[] sequence = tokens(0, 64);
        cache.release(cache.allocate(sequence));

        cache.allocate(tokens(5000, 16)); // room for one block: the tail block goes

        assertThat(cache.cachedPrefixTokens(concat(sequence, tokens(9, 1)))).isEqualTo(48);
    }

    @Test
    void capacityIsNeverExceeded() {
        PrefixCache cache = new PrefixCache(BLOCK, 10);

        for (int request = 0; request < 50; request++) {
            cache.release(cache.allocate(tokens(request * 10_000, 16 * (1 + request % 5))));
            assertThat(cache.cachedBlocks()).isLessThanOrEqualTo(10);
        }
    }

    @Test
    void pinnedBlocksBeyondCapacityAreNotCachedAndUsageIsCapped() {
        PrefixCache cache = new PrefixCache(BLOCK, 4);
        cache.allocate(tokens(0, 64));

        CacheAllocation overflow = cache.allocate(tokens(1000, 64));
        cache.release(overflow);

        assertThat(cache.cachedBlocks()).isEqualTo(4);
        assertThat(cache.usage()).isEqualTo(1.0);
        assertThat(cache.cachedPrefixTokens(tokens(1000, 65))).isZero();
    }

    @Test
    void usageCountsBlocksOfRunningRequestsOnly() {
        PrefixCache cache = new PrefixCache(BLOCK, 10);

        CacheAllocation running = cache.allocate(tokens(0, 40)); // 2 full blocks + 1 partial

        assertThat(cache.usage()).isEqualTo(0.3);
        cache.release(running);
        assertThat(cache.usage()).isZero();
        assertThat(cache.cachedBlocks()).isEqualTo(2);
    }

    @Test
    void queriesAndHitsAreCountedInTokens() {
        PrefixCache cache = new PrefixCache(BLOCK, 64);
        int[] prompt = tokens(0, 40);
        cache.release(cache.allocate(prompt));
        cache.release(cache.allocate(prompt));

        assertThat(cache.queriedTokens()).isEqualTo(80);
        assertThat(cache.hitTokens()).isEqualTo(32);
    }

    @Test
    void releasingTwiceDoesNotUnpinOtherRequests() {
        PrefixCache cache = new PrefixCache(BLOCK, 2);
        int[] prompt = tokens(0, 32);
        CacheAllocation first = cache.allocate(prompt);
        CacheAllocation second = cache.allocate(prompt);
        cache.release(first);
        cache.release(first);

        cache.allocate(tokens(7000, 32)); // would evict the prompt's blocks if they were unpinned

        assertThat(cache.cachedPrefixTokens(concat(prompt, tokens(9, 1)))).isEqualTo(32);
        cache.release(second);
    }

    @Test
    void samePromptUnderTheSameSaltIsServedFromCache() {
        PrefixCache cache = new PrefixCache(BLOCK, 64);
        int[] firstTurn = tokens(0, 48);
        cache.release(cache.allocate(firstTurn, "tenant-a"));

        CacheAllocation secondTurn = cache.allocate(concat(firstTurn, tokens(1000, 20)), "tenant-a");

        assertThat(secondTurn.cachedTokens()).isEqualTo(48);
    }

    @Test
    void samePromptUnderAnotherSaltGetsNothingFromCache() {
        PrefixCache cache = new PrefixCache(BLOCK, 64);
        int[] prompt = tokens(0, 49);
        cache.release(cache.allocate(prompt, "tenant-a"));

        CacheAllocation otherTenant = cache.allocate(prompt, "tenant-b");

        assertThat(otherTenant.cachedTokens()).isZero();
        assertThat(cache.cachedBlocks()).isEqualTo(6); // three blocks per salt, none shared
    }

    @Test
    void saltedAndUnsaltedPromptsShareNoBlocks() {
        PrefixCache cache = new PrefixCache(BLOCK, 64);
        int[] prompt = tokens(0, 49);
        cache.release(cache.allocate(prompt));

        CacheAllocation salted = cache.allocate(prompt, "tenant-a");
        cache.release(salted);

        assertThat(salted.cachedTokens()).isZero();
        assertThat(cache.cachedPrefixTokens(concat(tokens(0, 48), tokens(5000, 20)))).isEqualTo(48);
        assertThat(cache.cachedPrefixTokens(prompt, "tenant-a")).isEqualTo(48);
        assertThat(cache.cachedPrefixTokens(prompt, "tenant-c")).isZero();
    }

    @Test
    void anUnsaltedPromptDoesNotReachBlocksCachedUnderASalt() {
        PrefixCache cache = new PrefixCache(BLOCK, 64);
        int[] prompt = tokens(0, 49);
        cache.release(cache.allocate(prompt, "tenant-a"));

        assertThat(cache.allocate(prompt).cachedTokens()).isZero();
    }

    @Test
    void theSaltChangesEveryBlockOfTheChainThroughTheFirst() {
        PrefixCache cache = new PrefixCache(BLOCK, 64);
        int[] prompt = tokens(0, 64);

        long[] unsalted = cache.blockHashes(prompt);
        long[] salted = cache.blockHashes(prompt, "tenant-a");
        long[] otherSalt = cache.blockHashes(prompt, "tenant-b");

        assertThat(salted).hasSize(4);
        for (int block = 0; block < salted.length; block++) {
            assertThat(salted[block]).isNotEqualTo(unsalted[block]).isNotEqualTo(otherSalt[block]);
        }
        assertThat(cache.blockHashes(prompt, "tenant-a")).containsExactly(salted);
    }

    @Test
    void anEmptySaltIsNoSaltAsInVllm() {
        PrefixCache cache = new PrefixCache(BLOCK, 64);
        int[] prompt = tokens(0, 49);
        cache.release(cache.allocate(prompt));

        assertThat(cache.blockHashes(prompt, "")).containsExactly(cache.blockHashes(prompt));
        assertThat(cache.allocate(prompt, "").cachedTokens()).isEqualTo(48);
    }

    @Test
    void saltsDoNotEvictEachOtherWhileCapacityAllows() {
        PrefixCache cache = new PrefixCache(BLOCK, 7); // both salts' three full blocks, plus the partial one
        int[] prompt = tokens(0, 49);
        cache.release(cache.allocate(prompt, "tenant-a"));
        CacheAllocation otherTenant = cache.allocate(prompt, "tenant-b");
        cache.release(otherTenant);

        CacheAllocation firstTenantAgain = cache.allocate(prompt, "tenant-a");

        assertThat(otherTenant.cachedTokens()).isZero();
        assertThat(firstTenantAgain.cachedTokens()).isEqualTo(48);
        assertThat(cache.cachedPrefixTokens(prompt, "tenant-b")).isEqualTo(48);
    }

    @Test
    void saltedBlocksAreEvictedLikeAnyOthersWhenCapacityRunsOut() {
        PrefixCache cache = new PrefixCache(BLOCK, 5); // two salts' two full blocks, plus the partial one
        int[] prompt = tokens(0, 33);
        cache.release(cache.allocate(prompt, "tenant-a"));
        cache.release(cache.allocate(prompt, "tenant-b"));

        cache.release(cache.allocate(prompt, "tenant-c")); // evicts tenant-a's, the least recently used

        assertThat(cache.cachedPrefixTokens(prompt, "tenant-a")).isZero();
        assertThat(cache.cachedPrefixTokens(prompt, "tenant-b")).isEqualTo(32);
        assertThat(cache.cachedPrefixTokens(prompt, "tenant-c")).isEqualTo(32);
    }

    @Test
    void saltedQueriesAndHitsAreCountedLikeUnsaltedOnes() {
        PrefixCache cache = new PrefixCache(BLOCK, 64);
        int[] prompt = tokens(0, 40);
        cache.release(cache.allocate(prompt, "tenant-a"));
        cache.release(cache.allocate(prompt, "tenant-a"));
        cache.release(cache.allocate(prompt, "tenant-b"));

        assertThat(cache.queriedTokens()).isEqualTo(120);
        assertThat(cache.hitTokens()).isEqualTo(32);
    }

    private static int[] tokens(int start, int count) {
        return IntStream.range(start, start + count).toArray();
    }

    private static int[] concat(int[]... parts) {
        return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
    }
}
