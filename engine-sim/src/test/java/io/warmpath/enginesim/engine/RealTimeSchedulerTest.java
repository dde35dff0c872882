package io.warmpath.enginesim.engine;

import org.junit.jupiter.api.Test;

import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RealTimeSchedulerTest {

    private static final ModelProfile PROFILE =
            new ModelProfile("test", 1_000, 100, 0.1, 0.01, 100_000, 1.0, 0.1, 2.0);

    @Test
    void timeScaleShortensRealWaitsButKeepsModelTimesAndRatios() {
        double timeScale = 0.02;
        try (RealTimeScheduler scheduler = new RealTimeScheduler(timeScale)) {
            SimulatedEngine engine = new SimulatedEngine(new EngineConfig(PROFILE, 16, 10_000, 256, 100_000), scheduler);

            long start = System.nanoTime();
            GenerationResult small = engine.submit(request(0, 2_000)).join();
            double smallWall = (System.nanoTime() - start) / 1e9;
            start = System.nanoTime();
            GenerationResult large = engine.submit(request(100_000, 8_000)).join();
            double largeWall = (System.nanoTime() - start) / 1e9;

            // Model times are exact whatever the scale: 2 s and 8 s of prefill plus overhead.
            assertThat(small.ttftSeconds()).isCloseTo(2.01, within(1e-9));
            assertThat(large.ttftSeconds()).isCloseTo(8.01, within(1e-9));
            // Real waits are the model times scaled (40 ms and 160 ms here), give or take timer slack.
            assertThat(smallWall).isBetween(0.9 * 2.01 * timeScale, 2.01 * timeScale + 0.1);
            assertThat(largeWall).isBetween(0.9 * 8.01 * timeScale, 8.01 * timeScale + 0.1);
            assertThat(largeWall / smallWall).isGreaterThan(2.0);
        }
    }

    private static GenerationRequest request(int firstToken, int promptTokens) {
        return new GenerationRequest(IntStream.range(firstToken, firstToken + promptTokens).toArray(), 1);
    }
}
