package io.warmpath.enginesim.engine;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class SimulatedEngineTest {

    /** Round numbers: 1,000 prefill tokens per second, 10 ms per output token alone, +10% per extra sequence. */
    private static final ModelProfile PROFILE =
            new ModelProfile("test", 1_000, 100, 0.1, 0.01, 100_000, 1.0, 0.1, 2.0);
    private static final double OVERHEAD = 0.01;

    private final VirtualTimeScheduler clock = new VirtualTimeScheduler();

    @Test
    void ttftIsProportionalToUncachedPromptTokens() {
        SimulatedEngine engine = engine(256);

        GenerationResult small = finish(engine.submit(request(0, 1_000, 1)));
        GenerationResult large = finish(engine.submit(request(50_000, 2_000, 1)));

        assertThat(small.ttftSeconds()).isCloseTo(1.0 + OVERHEAD, within(1e-9));
        assertThat(large.ttftSeconds()).isCloseTo(2.0 + OVERHEAD, within(1e-9));
    }

    @Test
    void cachedPrefixIsNotPrefilledAgain() {
        SimulatedEngine engine = engine(256);
        finish(engine.submit(request(0, 1_000, 1)));

        GenerationResult repeat = finish(engine.submit(request(0, 1_000, 1)));

        assertThat(repeat.cachedTokens()).isEqualTo(992); // 62 whole blocks; the last 8 tokens are recomputed
        assertThat(repeat.ttftSeconds()).isCloseTo(8 / 1_000.0 + OVERHEAD, within(1e-9));
    }

    @Test
    void aPromptUnderAnotherSaltIsPrefilledInFullAndTheFirstSaltStillHits() {
        SimulatedEngine engine = engine(256);
        int[] prompt = IntStream.range(0, 1_000).toArray();
        finish(engine.submit(new GenerationRequest(prompt, 1, "tenant-a")));

        GenerationResult otherSalt = finish(engine.submit(new GenerationRequest(prompt, 1, "tenant-b")));
        GenerationResult unsalted = finish(engine.submit(new GenerationRequest(prompt, 1)));
        GenerationResult sameSalt = finish(engine.submit(new GenerationRequest(prompt, 1, "tenant-a")));

        assertThat(otherSalt.cachedTokens()).isZero();
        assertThat(otherSalt.ttftSeconds()).isCloseTo(1.0 + OVERHEAD, within(1e-9));
        assertThat(unsalted.cachedTokens()).isZero();
        assertThat(sameSalt.cachedTokens()).isEqualTo(992);
        assertThat(sameSalt.ttftSeconds()).isCloseTo(8 / 1_000.0 + OVERHEAD, within(1e-9));
    }

    @Test
    void concurrentPrefillsShareThePrefillRate() {
        SimulatedEngine engine = engine(256);

        CompletableFuture<GenerationResult> first = engine.submit(request(0, 1_000, 1));
        CompletableFuture<GenerationResult> second = engine.submit(request(10_000, 1_000, 1));
        clock.runUntilIdle();

        assertThat(first.join().ttftSeconds()).isCloseTo(2.0 + OVERHEAD, within(1e-9));
        assertThat(second.join().ttftSeconds()).isCloseTo(2.0 + OVERHEAD, within(1e-9));
    }

    @Test
    void aLaterPrefillTakesItsShareFromTheMomentItArrives() {
        SimulatedEngine engine = engine(256);

        CompletableFuture<GenerationResult> early = engine.submit(request(0, 1_000, 1));
        clock.advanceTo(0.5); // early has 500 tokens left
        CompletableFuture<GenerationResult> late = engine.submit(request(10_000, 1_000, 1));
        clock.runUntilIdle();

        // Sharing from 0.5 s: early finishes its 500 at 1.5 s; late then runs alone for its last 500 tokens.
        assertThat(early.join().ttftSeconds()).isCloseTo(1.5 + OVERHEAD, within(1e-9));
        assertThat(late.join().ttftSeconds()).isCloseTo(1.5 + OVERHEAD, within(1e-9));
        assertThat(late.join().arrivalSeconds()).isEqualTo(0.5);
    }

    @Test
    void requestsBeyondMaxNumSeqsWaitFifoForARunningSlot() {
        SimulatedEngine engine = engine(1);

        CompletableFuture<GenerationResult> first = engine.submit(request(0, 100, 10));
        CompletableFuture<GenerationResult> second = engine.submit(request(10_000, 100, 10));
        clock.advanceTo(0.05);
        EngineMetrics whileFirstRuns = engine.metrics();
        clock.runUntilIdle();

        assertThat(whileFirstRuns.running()).isEqualTo(1);
        assertThat(whileFirstRuns.waiting()).isEqualTo(1);
        // first: 0.1 s prefill + overhead, then 9 more tokens at 10 ms
        double firstE2e = 0.1 + OVERHEAD + 9 * 0.01;
        assertThat(first.join().e2eSeconds()).isCloseTo(firstE2e, within(1e-9));
        assertThat(second.join().queueSeconds()).isCloseTo(firstE2e, within(1e-9));
        assertThat(second.join().ttftSeconds()).isCloseTo(firstE2e + 0.1 + OVERHEAD, within(1e-9));
        assertThat(engine.metrics().waiting()).isZero();
        assertThat(engine.metrics().running()).isZero();
    }

    @Test
    void interTokenTimeGrowsWithTheRunningBatch() {
        SimulatedEngine alone = engine(256);
        GenerationResult single = finish(alone.submit(request(0, 100, 11)));

        SimulatedEngine batched = engine(256);
        List<CompletableFuture<GenerationResult>> three = IntStream.range(0, 3)
                .mapToObj(index -> batched.submit(request(index * 10_000, 100, 11)))
                .toList();
        clock.runUntilIdle();

        double singleDecode = single.e2eSeconds() - single.ttftSeconds();
        double batchedDecode = three.getFirst().join().e2eSeconds() - three.getFirst().join().ttftSeconds();
        assertThat(singleDecode).isCloseTo(10 * 0.01, within(1e-9));
        assertThat(batchedDecode).isCloseTo(10 * 0.01 * (1 + 0.1 * 2), within(1e-9));
    }

    @Test
    void injectedFailuresHitTheNextRequestsThenStop() {
        SimulatedEngine engine = engine(256);
        engine.setFaults(new FaultSettings(2, 503, 0, -1, 1.0));

        List<Throwable> failures = new ArrayList<>();
        for (int attempt = 0; attempt < 2; attempt++) {
            engine.submit(request(attempt * 1_000, 50, 1)).whenComplete((result, error) -> failures.add(error));
        }
        GenerationResult recovered = finish(engine.submit(request(9_000, 50, 1)));

        assertThat(failures).hasSize(2).allSatisfy(error -> assertThat(error)
                .isInstanceOfSatisfying(InjectedFaultException.class, fault -> assertThat(fault.status()).isEqualTo(503)));
        assertThat(recovered.completionTokens()).isEqualTo(1);
        assertThat(engine.faults().failNext()).isZero();
    }

    @Test
    void cutFaultEndsTheGenerationAfterKTokensAndFreesItsSlot() {
        SimulatedEngine engine = engine(1);
        engine.setFaults(new FaultSettings(0, 500, 0, 3, 1.0));
        List<Integer> tokens = new ArrayList<>();
        List<RuntimeException> errors = new ArrayList<>();

        engine.submit(request(0, 100, 10), new GenerationListener() {
            @Override
            public void onToken(int index, double atSeconds) {
                tokens.add(index);
            }

            @Override
            public void onComplete(GenerationResult result) {
            }

            @Override
            public void onError(RuntimeException error) {
                errors.add(error);
            }
        });
        clock.runUntilIdle();

        assertThat(tokens).containsExactly(0, 1, 2);
        assertThat(errors).singleElement().isInstanceOf(StreamCutException.class);
        assertThat(engine.metrics().running()).isZero();
    }

    @Test
    void slowdownAndStallStretchTheFirstToken() {
        SimulatedEngine engine = engine(256);
        engine.setFaults(new FaultSettings(0, 500, 250, -1, 2.0));

        GenerationResult slowed = finish(engine.submit(request(0, 1_000, 1)));

        // prefill and overhead doubled; the stall is 250 real ms, which is 0.25 model s at time scale 1
        assertThat(slowed.ttftSeconds()).isCloseTo(2 * (1.0 + OVERHEAD) + 0.25, within(1e-9));
    }

    @Test
    void cancellingAWaitingOrRunningRequestFreesCapacity() {
        SimulatedEngine engine = engine(1);
        GenerationHandle running = engine.submit(request(0, 10_000, 10), new IgnoringListener());
        CompletableFuture<GenerationResult> queued = engine.submit(request(20_000, 100, 1));
        clock.advanceTo(1.0);

        running.cancel();
        clock.runUntilIdle();

        assertThat(queued.join().queueSeconds()).isCloseTo(1.0, within(1e-9));
        assertThat(engine.metrics().kvCacheUsage()).isZero();
    }

    @Test
    void metricsCountPromptGenerationAndCacheTokens() {
        SimulatedEngine engine = engine(256);
        finish(engine.submit(request(0, 160, 4)));
        finish(engine.submit(request(0, 160, 4)));

        EngineMetrics metrics = engine.metrics();

        assertThat(metrics.promptTokens()).isEqualTo(320);
        assertThat(metrics.generationTokens()).isEqualTo(8);
        assertThat(metrics.prefixCacheQueries()).isEqualTo(320);
        assertThat(metrics.prefixCacheHits()).isEqualTo(144);
        assertThat(metrics.timeToFirstToken().count()).isEqualTo(2);
        assertThat(metrics.requestsFinished()).isEqualTo(2);
    }

    private SimulatedEngine engine(int maxNumSeqs) {
        return new SimulatedEngine(new EngineConfig(PROFILE, 16, 100_000, maxNumSeqs, PROFILE.maxModelLen()), clock);
    }

    private GenerationResult finish(CompletableFuture<GenerationResult> outcome) {
        clock.runUntilIdle();
        return outcome.join();
    }

    /** A prompt of distinct token ids starting at {@code firstToken}, so prompts only share cache when meant to. */
    private static GenerationRequest request(int firstToken, int promptTokens, int maxTokens) {
        return new GenerationRequest(IntStream.range(firstToken, firstToken + promptTokens).toArray(), maxTokens);
    }

    private static final class IgnoringListener implements GenerationListener {
        @Override
        public void onComplete(GenerationResult result) {
        }

        @Override
        public void onError(RuntimeException error) {
        }
    }
}
