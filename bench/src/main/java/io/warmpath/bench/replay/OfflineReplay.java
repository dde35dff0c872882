package io.warmpath.bench.replay;

import io.warmpath.bench.workload.PromptSynthesizer;
import io.warmpath.bench.workload.Turn;
import io.warmpath.bench.workload.Workload;
import io.warmpath.enginesim.engine.EngineConfig;
import io.warmpath.enginesim.engine.GenerationListener;
import io.warmpath.enginesim.engine.GenerationRequest;
import io.warmpath.enginesim.engine.GenerationResult;
import io.warmpath.enginesim.engine.SimulatedEngine;
import io.warmpath.enginesim.engine.VirtualTimeScheduler;
import io.warmpath.routing.LoadView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Replays a workload in process on virtual time: engine-sim's cache and latency model, one engine per cell on one
 * discrete-event clock, a routing policy choosing the cell of each turn at its arrival. Nothing sleeps and nothing
 * goes over HTTP, so an hour of traffic replays in seconds.
 */
public final class OfflineReplay {

    /** Receives progress: turns submitted so far out of the total. */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (policy, done, total) -> { };

        void update(String policy, int done, int total);
    }

    private final Fleet fleet;
    private final Progress progress;

    public OfflineReplay(Fleet fleet, Progress progress) {
        this.fleet = fleet;
        this.progress = Objects.requireNonNull(progress);
    }

    /** Routes the workload over the fleet's cells with {@code router}. */
    public PolicyRun run(Workload workload, CellRouter router) {
        return replay(workload, router.name(), fleet.cellConfig(), fleet.cells(), router);
    }

    /** Replays the workload on one engine holding every cell's capacity: the ceiling for any routing. */
    public PolicyRun runIdeal(Workload workload) {
        return replay(workload, "ideal", fleet.idealConfig(), 1, null);
    }

    private PolicyRun replay(Workload workload, String policy, EngineConfig config, int cells, CellRouter router) {
        long started = System.nanoTime();
        VirtualTimeScheduler clock = new VirtualTimeScheduler();
        SimulatedEngine[] engines = new SimulatedEngine[cells];
        for (int i = 0; i < cells; i++) {
            engines[i] = new SimulatedEngine(config, clock);
        }
        int[] inFlight = new int[cells];
        LoadView load = cell -> inFlight[cell];
        TurnOutcome[] outcomes = new TurnOutcome[workload.size()];
        int rejected = 0;
        List<Turn> turns = workload.turns();
        int step = Math.max(1, turns.size() / 100);
        for (Turn turn : turns) {
            clock.advanceTo(turn.arrivalSeconds());
            int cell = router == null ? 0 : router.route(turn, load);
            GenerationRequest request = new GenerationRequest(PromptSynthesizer.tokens(turn), turn.outputTokens());
            try {
                engines[cell].submit(request, new Recorder(turn, cell, router, inFlight, outcomes));
                inFlight[cell]++;
            } catch (IllegalArgumentException overContextLength) {
                rejected++;
            }
            if (turn.index() % step == 0) {
                progress.update(policy, turn.index(), turns.size());
            }
        }
        clock.runUntilIdle();
        progress.update(policy, turns.size(), turns.size());
        List<TurnOutcome> completed = new ArrayList<>(outcomes.length);
        Arrays.stream(outcomes).filter(Objects::nonNull).forEach(completed::add);
        return new PolicyRun(policy, cells, completed, rejected, (System.nanoTime() - started) / 1e9);
    }

    /** Records a finished turn and frees its slot in the load view. Runs on the virtual clock's thread. */
    private record Recorder(Turn turn, int cell, CellRouter router, int[] inFlight, TurnOutcome[] outcomes)
            implements GenerationListener {

        @Override
        public void onComplete(GenerationResult result) {
            inFlight[cell]--;
            if (router != null) {
                router.completed(turn, cell);
            }
            outcomes[turn.index()] = new TurnOutcome(turn.index(), cell, result.promptTokens(), result.cachedTokens(),
                    result.completionTokens(), result.arrivalSeconds(), result.ttftSeconds(), result.e2eSeconds());
        }

        @Override
        public void onError(RuntimeException error) {
            inFlight[cell]--;
        }
    }
}
