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

    private static int[] tokens(int start, int count) {
        return IntStream.range(start, start + count).toArray();
    }

    private static int[] concat(int[]... parts) {
        return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
    }
}
