package io.warmpath.bench.replay;

import io.warmpath.bench.workload.PromptSynthesizer;
import io.warmpath.bench.workload.Turn;
import io.warmpath.bench.workload.Workload;
import io.warmpath.enginesim.engine.GenerationListener;
import io.warmpath.enginesim.engine.GenerationRequest;
import io.warmpath.enginesim.engine.GenerationResult;
import io.warmpath.enginesim.engine.SimulatedEngine;
import io.warmpath.enginesim.engine.VirtualTimeScheduler;
import io.warmpath.routing.LoadView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        return run(workload, router, null);
    }

    /**
     * Routes the workload over the fleet's cells with {@code router}; with a {@code scaleOut}, cold cells join at
     * its turn and the run counts how many existing sessions moved.
     */
    public PolicyRun run(Workload workload, CellRouter router, ScaleOut scaleOut) {
        return replay(workload, router.name(), router, scaleOut);
    }

    /** Replays the workload on one engine holding every cell's capacity: the ceiling for any routing. */
    public PolicyRun runIdeal(Workload workload) {
        return runIdeal(workload, null);
    }

    /**
     * The ideal, growing with the fleet: at a {@code scaleOut}'s turn its one engine gains the added cells' cache
     * and compute, keeping what it holds (see {@link #grownIdeal}).
     */
    public PolicyRun runIdeal(Workload workload, ScaleOut scaleOut) {
        return replay(workload, "ideal", null, scaleOut);
    }

    private PolicyRun replay(Workload workload, String policy, CellRouter router, ScaleOut scaleOut) {
        long started = System.nanoTime();
        boolean ideal = router == null;
        int cells = ideal ? 1 : fleet.cells();
        int finalCells = ideal || scaleOut == null ? cells : cells + scaleOut.addedCells();
        int eventTurn = scaleOut == null ? -1 : scaleOut.eventTurn(workload.size());
        VirtualTimeScheduler clock = new VirtualTimeScheduler();
        SimulatedEngine[] engines = new SimulatedEngine[finalCells];
        for (int i = 0; i < cells; i++) {
            engines[i] = new SimulatedEngine(ideal ? fleet.idealConfig() : fleet.cellConfig(), clock);
        }
        int[] inFlight = new int[finalCells];
        LoadView load = cell -> inFlight[cell];
        TurnOutcome[] outcomes = new TurnOutcome[workload.size()];
        boolean countMoves = !ideal && scaleOut != null;
        SessionMoves moves = new SessionMoves();
        int rejected = 0;
        List<Turn> turns = workload.turns();
        int step = Math.max(1, turns.size() / 100);
        for (Turn turn : turns) {
            clock.advanceTo(turn.arrivalSeconds());
            if (turn.index() == eventTurn) {
                if (ideal) {
                    if (scaleOut.addedCells() > 0) {
                        engines[0] = grownIdeal(engines[0], turns.subList(0, eventTurn), scaleOut, clock);
                    }
                } else {
                    for (int i = cells; i < finalCells; i++) {
                        engines[i] = new SimulatedEngine(fleet.cellConfig(), clock);
                    }
                    moves.scaleOut(router.addCells(finalCells, moves.existingSessions()));
                }
            }
            int cell = ideal ? 0 : router.route(turn, load);
            if (countMoves) {
                moves.routed(turn, cell, turn.index() >= eventTurn);
            }
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
        return new PolicyRun(policy, finalCells, completed, rejected, (System.nanoTime() - started) / 1e9,
                countMoves ? moves.result() : null);
    }

    /**
     * The ideal engine after the fleet grew: a new engine with the grown fleet's pooled cache and compute, holding
     * what the old one holds. engine-sim cannot resize a cache, so the old cache's contents are copied: the earlier
     * turns' prompts, in arrival order (the old cache's recency order, near enough), each cut to the prefix the old
     * cache still holds. Turns already queued finish on the old engine; later ones go to the new one.
     */
    private SimulatedEngine grownIdeal(SimulatedEngine old, List<Turn> earlier, ScaleOut scaleOut,
                                       VirtualTimeScheduler clock) {
        SimulatedEngine grown = new SimulatedEngine(fleet.idealConfig(fleet.cells() + scaleOut.addedCells()), clock);
        for (Turn turn : earlier) {
            int[] tokens = PromptSynthesizer.tokens(turn);
            // One token more, so that a prompt of whole blocks has its last block looked up too (the engine always
            // recomputes a prompt's last token, so the cache never reports that block for the prompt itself).
            int held = old.cache().cachedPrefixTokens(Arrays.copyOf(tokens, tokens.length + 1));
            if (held > 0) {
                grown.cache().release(grown.cache().allocate(Arrays.copyOf(tokens, held)));
            }
        }
        return grown;
    }

    /** Where each session's turns went around a scale-out event. */
    private static final class SessionMoves {

        /** Sessions seen before the event, with the cell of their last turn; after it, those not yet returned. */
        private final Map<String, Integer> lastCellBeforeEvent = new LinkedHashMap<>();
        private int existing;
        private int remapped;
        private int returning;
        private int moved;

        Collection<String> existingSessions() {
            return lastCellBeforeEvent.keySet();
        }

        void scaleOut(int remappedSessions) {
            existing = lastCellBeforeEvent.size();
            remapped = remappedSessions;
        }

        void routed(Turn turn, int cell, boolean afterEvent) {
            if (!afterEvent) {
                lastCellBeforeEvent.put(turn.sessionId(), cell);
                return;
            }
            Integer before = lastCellBeforeEvent.remove(turn.sessionId());
            if (before != null) {
                returning++;
                if (before != cell) {
                    moved++;
                }
            }
        }

        ScaleOutMoves result() {
            return new ScaleOutMoves(existing, remapped, returning, moved);
        }
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
