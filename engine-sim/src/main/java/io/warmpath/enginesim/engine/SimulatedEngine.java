package io.warmpath.enginesim.engine;

import io.warmpath.enginesim.cache.CacheAllocation;
import io.warmpath.enginesim.cache.PrefixCache;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * A GPU-free engine with vLLM's scheduling shape, in model time:
 * <pre>
 * TTFT = queue wait + uncached prompt tokens / (prefill rate / concurrent prefills) + overhead
 * inter-token time = (1 / decode rate) * (1 + alpha * (running requests - 1))
 * </pre>
 * <ul>
 *   <li>At most {@code maxNumSeqs} requests run; the rest wait FIFO and are admitted as running ones finish.</li>
 *   <li>On admission the prompt is matched against the {@link PrefixCache} (under its cache salt, if any); its
 *       blocks stay pinned until it ends.</li>
 *   <li>Concurrent prefills share the prefill rate equally (processor sharing), re-evaluated whenever one starts
 *       or ends; only uncached tokens cost prefill time.</li>
 *   <li>Decode emits one token per inter-token time, which grows with the running batch.</li>
 *   <li>{@link FaultSettings} fail, stall, cut or slow down requests.</li>
 * </ul>
 * Event times are exact model times (a late timer does not shift the simulation), so reported latencies do not
 * depend on the time scale or on timer jitter.
 *
 * <p>Thread-safe: {@link #submit} may be called from any thread; state lives on the scheduler's event loop.
 */
public final class SimulatedEngine {

    private static final System.Logger LOG = System.getLogger(SimulatedEngine.class.getName());
    /** Prefill work (in tokens) small enough to count as done; absorbs floating-point error. */
    private static final double PREFILL_DONE_EPSILON = 1e-3;
    private static final GenerationHandle NOTHING_TO_CANCEL = () -> { };

    private final EngineConfig config;
    private final EventScheduler scheduler;
    private final PrefixCache cache;
    private final AtomicReference<FaultSettings> faults = new AtomicReference<>(FaultSettings.NONE);

    // Event-loop state: touched only by tasks on the scheduler.
    private final ArrayDeque<Sequence> waitingQueue = new ArrayDeque<>();
    private final List<Sequence> prefilling = new ArrayList<>();
    private int runningCount;
    private double clockSeconds;
    private double prefillProgressSeconds;
    private long prefillEpoch;

    // Metrics, read from any thread.
    private volatile int runningGauge;
    private volatile int waitingGauge;
    private final LongAdder promptTokens = new LongAdder();
    private final LongAdder generationTokens = new LongAdder();
    private final LongAdder requestsFinished = new LongAdder();
    private final LatencyHistogram timeToFirstToken = new LatencyHistogram(LatencyHistogram.TTFT_BUCKETS);

    public SimulatedEngine(EngineConfig config, EventScheduler scheduler) {
        this.config = config;
        this.scheduler = scheduler;
        this.cache = new PrefixCache(config.blockSize(), config.capacityBlocks());
    }

    /**
     * Starts a generation. Failures injected by {@link FaultSettings#failNext()} are reported to the listener
     * before this method returns.
     *
     * @throws IllegalArgumentException when prompt plus output exceed the context length
     */
    public GenerationHandle submit(GenerationRequest request, GenerationListener listener) {
        int length = request.promptTokens().length;
        if ((long) length + request.maxTokens() > config.maxModelLen()) {
            throw new IllegalArgumentException("prompt (" + length + ") plus max tokens (" + request.maxTokens()
                    + ") exceed the context length " + config.maxModelLen());
        }
        double arrivalSeconds = scheduler.now();
        int failStatus = consumeInjectedFailure();
        if (failStatus > 0) {
            listener.onError(new InjectedFaultException(failStatus));
            return NOTHING_TO_CANCEL;
        }
        // Hashing is O(prompt); do it on the caller's thread, not the event loop.
        Sequence sequence = new Sequence(request, listener,
                cache.blockHashes(request.promptTokens(), request.cacheSalt()), arrivalSeconds);
        scheduler.execute(() -> arrive(sequence));
        return () -> scheduler.execute(() -> cancel(sequence));
    }

    /** Starts a generation and returns its outcome; injected faults complete the future exceptionally. */
    public CompletableFuture<GenerationResult> submit(GenerationRequest request) {
        CompletableFuture<GenerationResult> outcome = new CompletableFuture<>();
        submit(request, new GenerationListener() {
            @Override
            public void onComplete(GenerationResult result) {
                outcome.complete(result);
            }

            @Override
            public void onError(RuntimeException error) {
                outcome.completeExceptionally(error);
            }
        });
        return outcome;
    }

    /** Current metrics. */
    public EngineMetrics metrics() {
        return new EngineMetrics(runningGauge, waitingGauge, cache.usage(), cache.queriedTokens(), cache.hitTokens(),
                promptTokens.sum(), generationTokens.sum(), requestsFinished.sum(), timeToFirstToken.snapshot());
    }

    public EngineConfig config() {
        return config;
    }

    /** The engine's prefix cache (e.g. to ask how much of a prompt is cached). */
    public PrefixCache cache() {
        return cache;
    }

    public EventScheduler scheduler() {
        return scheduler;
    }

    /** Current faults; {@code failNext} counts down as failures are injected. */
    public FaultSettings faults() {
        return faults.get();
    }

    /** Replaces the fault settings. */
    public void setFaults(FaultSettings settings) {
        faults.set(settings);
    }

    private int consumeInjectedFailure() {
        while (true) {
            FaultSettings current = faults.get();
            if (current.failNext() == 0) {
                return 0;
            }
            if (faults.compareAndSet(current, current.withFailNext(current.failNext() - 1))) {
                return current.failStatus();
            }
        }
    }

    // ---- event loop ----

    private double advanceClock(double atSeconds) {
        clockSeconds = Math.max(clockSeconds, atSeconds);
        return clockSeconds;
    }

    private void arrive(Sequence sequence) {
        double now = advanceClock(sequence.arrivalSeconds);
        if (sequence.state != State.NEW) {
            return; // cancelled before it arrived
        }
        sequence.state = State.WAITING;
        waitingQueue.add(sequence);
        admitWaiting(now);
        publishGauges();
    }

    private void admitWaiting(double now) {
        if (runningCount >= config.maxNumSeqs() || waitingQueue.isEmpty()) {
            return;
        }
        advancePrefill(now);
        while (runningCount < config.maxNumSeqs() && !waitingQueue.isEmpty()) {
            admit(waitingQueue.poll(), now);
        }
        schedulePrefillCompletion(now);
    }

    private void admit(Sequence sequence, double now) {
        runningCount++;
        sequence.state = State.PREFILLING;
        sequence.admittedSeconds = now;
        sequence.allocation = cache.allocate(sequence.request.promptTokens(), sequence.request.cacheSalt(),
                sequence.blockHashes);
        sequence.remainingPrefillTokens = sequence.allocation.uncachedTokens();
        sequence.cutAfterTokens = faults.get().cutAfterTokens();
        prefilling.add(sequence);
        CacheAllocation allocation = sequence.allocation;
        notify(sequence, listener -> listener.onAdmitted(allocation.promptTokens(), allocation.cachedTokens()));
    }

    /** Moves every running prefill forward to {@code now} at its current share of the prefill rate. */
    private void advancePrefill(double now) {
        if (!prefilling.isEmpty()) {
            double tokensDone = (now - prefillProgressSeconds) * prefillRatePerSequence();
            for (Sequence sequence : prefilling) {
                sequence.remainingPrefillTokens -= tokensDone;
            }
        }
        prefillProgressSeconds = now;
    }

    private double prefillRatePerSequence() {
        return config.profile().prefillTokensPerSecond() / faults.get().slowdown() / prefilling.size();
    }

    /** Schedules the next prefill completion; earlier schedules become stale (the epoch changes). */
    private void schedulePrefillCompletion(double now) {
        long epoch = ++prefillEpoch;
        if (prefilling.isEmpty()) {
            return;
        }
        double least = Double.MAX_VALUE;
        for (Sequence sequence : prefilling) {
            least = Math.min(least, sequence.remainingPrefillTokens);
        }
        double at = now + Math.max(0, least) / prefillRatePerSequence();
        scheduler.schedule(at, () -> onPrefillProgress(at, epoch));
    }

    private void onPrefillProgress(double at, long epoch) {
        if (epoch != prefillEpoch) {
            return;
        }
        double now = advanceClock(at);
        advancePrefill(now);
        Iterator<Sequence> iterator = prefilling.iterator();
        while (iterator.hasNext()) {
            Sequence sequence = iterator.next();
            if (sequence.remainingPrefillTokens <= PREFILL_DONE_EPSILON) {
                iterator.remove();
                startDecode(sequence, now);
            }
        }
        schedulePrefillCompletion(now);
    }

    private void startDecode(Sequence sequence, double now) {
        sequence.state = State.DECODING;
        FaultSettings current = faults.get();
        double stallSeconds = current.stallMs() / 1000.0 / scheduler.timeScale();
        double firstTokenAt = now + config.profile().overheadSeconds() * current.slowdown() + stallSeconds;
        scheduler.schedule(firstTokenAt, () -> onTokenDue(sequence, firstTokenAt));
    }

    private void onTokenDue(Sequence sequence, double at) {
        if (sequence.state != State.DECODING) {
            return; // cancelled
        }
        double now = advanceClock(at);
        if (sequence.cutAfterTokens >= 0 && sequence.emitted >= sequence.cutAfterTokens) {
            finish(sequence, now);
            int produced = sequence.emitted;
            notify(sequence, listener -> listener.onError(new StreamCutException(produced)));
            return;
        }
        if (sequence.emitted == 0) {
            sequence.firstTokenSeconds = now;
            timeToFirstToken.observe(now - sequence.arrivalSeconds);
            promptTokens.add(sequence.request.promptTokens().length);
        }
        int index = sequence.emitted++;
        generationTokens.increment();
        notify(sequence, listener -> listener.onToken(index, now));
        if (sequence.emitted < sequence.request.maxTokens()) {
            double next = now + config.profile().interTokenSeconds(runningCount) * faults.get().slowdown();
            scheduler.schedule(next, () -> onTokenDue(sequence, next));
            return;
        }
        finish(sequence, now);
        requestsFinished.increment();
        GenerationResult result = new GenerationResult(sequence.request.promptTokens().length,
                sequence.allocation.cachedTokens(), sequence.emitted, sequence.arrivalSeconds,
                sequence.admittedSeconds - sequence.arrivalSeconds,
                sequence.firstTokenSeconds - sequence.arrivalSeconds, now - sequence.arrivalSeconds);
        notify(sequence, listener -> listener.onComplete(result));
    }

    /** Frees the running slot and the blocks of a sequence that has left the prefill set. */
    private void finish(Sequence sequence, double now) {
        sequence.state = State.FINISHED;
        runningCount--;
        cache.release(sequence.allocation);
        admitWaiting(now);
        publishGauges();
    }

    private void cancel(Sequence sequence) {
        double now = advanceClock(scheduler.now());
        switch (sequence.state) {
            case NEW -> sequence.state = State.CANCELLED;
            case WAITING -> {
                waitingQueue.remove(sequence);
                sequence.state = State.CANCELLED;
                publishGauges();
            }
            case PREFILLING -> {
                advancePrefill(now);
                prefilling.remove(sequence);
                finish(sequence, now);
                sequence.state = State.CANCELLED;
                schedulePrefillCompletion(now);
            }
            case DECODING -> {
                finish(sequence, now);
                sequence.state = State.CANCELLED;
            }
            case FINISHED, CANCELLED -> {
                // nothing left to free
            }
        }
    }

    private void publishGauges() {
        runningGauge = runningCount;
        waitingGauge = waitingQueue.size();
    }

    /** Listener failures must not corrupt the event loop. */
    private static void notify(Sequence sequence, Consumer<GenerationListener> call) {
        try {
            call.accept(sequence.listener);
        } catch (RuntimeException error) {
            LOG.log(System.Logger.Level.WARNING, "generation listener failed: " + error.getClass().getName());
        }
    }

    private enum State { NEW, WAITING, PREFILLING, DECODING, FINISHED, CANCELLED }

    /** One request's life in the engine. */
    private static final class Sequence {
        final GenerationRequest request;
        final GenerationListener listener;
        final long[] blockHashes;
        final double arrivalSeconds;
        State state = State.NEW;
        double admittedSeconds;
        double firstTokenSeconds;
        CacheAllocation allocation;
        double remainingPrefillTokens;
        int emitted;
        int cutAfterTokens = -1;

        Sequence(GenerationRequest request, GenerationListener listener, long[] blockHashes, double arrivalSeconds) {
            this.request = request;
            this.listener = listener;
            this.blockHashes = blockHashes;
            this.arrivalSeconds = arrivalSeconds;
        }
    }
}
