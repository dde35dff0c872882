package io.warmpath.routing;

import java.util.BitSet;
import java.util.OptionalInt;

/**
 * Session stickiness as a preference with failover: the session's stored binding wins while the bound cell can serve
 * the turn well; otherwise {@code bounded-load} chooses and the caller stores the new binding.
 *
 * <p>The binding wins when the bound cell is
 * <ol>
 *   <li>in the pool (it is known and serves the model; otherwise {@link StickyDecision.Reason#GONE}),</li>
 *   <li>not excluded (healthy, not ejected, not yet tried by this request; otherwise
 *       {@link StickyDecision.Reason#UNHEALTHY}), and</li>
 *   <li>not much slower than the best alternative (otherwise {@link StickyDecision.Reason#SLOW}): the bound cell stays
 *       while {@code predicted(bound) <= max(stickinessFactor * bestOther, bestOther + slack)}, where
 *       {@code bestOther} is the lowest prediction among the other allowed cells.</li>
 * </ol>
 * Sessions without a binding, and requests outside sessions, go where {@code bounded-load} sends their key. Because
 * the binding, not the ring, decides, adding cells never moves a bound session; a cell that dies or leaves moves its
 * sessions one by one, on each session's next turn.
 *
 * <h2>Predicted time to first token</h2>
 * <pre>
 *   predicted(cell) = load(cell) * serviceTime + uncachedTokens(cell) / prefillRate(cell)
 *   uncachedTokens(bound cell) = max(0, context - lastPromptTokens)    the turn's growth: the rest is cached
 *   uncachedTokens(other cell) = context                               a cold cell prefills everything
 *   context = max(promptTokens, lastPromptTokens)
 * </pre>
 * {@code load} is the cell's waiting plus in-flight requests ({@link LoadView}); {@code serviceTime} is how long each
 * of them delays a new request, on average; {@code prefillRate} is the cell's {@link Cell#PREFILL_RATE_LABEL} or the
 * configured default. The engine's fixed overhead is the same everywhere and left out. It is deliberately coarse: its
 * job is to tell "a few hundred tokens of growth behind a short queue" from "a cold prefill of the whole context", and
 * to give up stickiness when a queue costs more than the cache saves; short contexts, where the cache saves little,
 * move off a busy cell sooner than long ones.
 *
 * <p>Thread-safe and allocation-free on the hit path.
 */
public final class StickyPolicy implements RoutingPolicy {

    static final String NAME = "sticky";

    private final StickySettings settings;
    private final BoundedLoadPolicy boundedLoad;

    StickyPolicy(StickySettings settings) {
        this.settings = settings;
        this.boundedLoad = new BoundedLoadPolicy(settings.balanceFactor());
    }

    @Override
    public String name() {
        return NAME;
    }

    public StickySettings settings() {
        return settings;
    }

    /** The chosen cell only; callers that store bindings use {@link #decide} for the reason. */
    @Override
    public OptionalInt pick(CellPool pool, PickRequest request) {
        return decide(pool, request).cell();
    }

    /**
     * Decides where the turn goes, keeping or replacing the request's {@link PickRequest#binding()}.
     *
     * @return the chosen cell (empty when every cell is excluded), the reason, and the cached tokens expected there
     */
    public StickyDecision decide(CellPool pool, PickRequest request) {
        SessionBinding binding = request.binding();
        if (binding == null) {
            return new StickyDecision(boundedLoad.pick(pool, request), StickyDecision.Reason.NEW, 0);
        }
        int bound = pool.indexOf(binding.cellId());
        if (bound < 0) {
            return new StickyDecision(boundedLoad.pick(pool, request), StickyDecision.Reason.GONE, 0);
        }
        if (!request.allowed(bound)) {
            return new StickyDecision(boundedLoad.pick(pool, request), StickyDecision.Reason.UNHEALTHY, 0);
        }
        long context = Math.max(request.promptTokens(), binding.lastPromptTokens());
        double boundTtft = predictedTtftMillis(pool, bound, request.load().load(bound),
                context - binding.lastPromptTokens());
        double bestOther = Double.POSITIVE_INFINITY;
        for (int i = 0; i < pool.size(); i++) {
            if (i != bound && request.allowed(i)) {
                bestOther = Math.min(bestOther, predictedTtftMillis(pool, i, request.load().load(i), context));
            }
        }
        if (boundTtft <= Math.max(settings.stickinessFactor() * bestOther, bestOther + settings.slackMillis())) {
            return new StickyDecision(OptionalInt.of(bound), StickyDecision.Reason.BOUND, binding.lastPromptTokens());
        }
        BitSet withoutBound = (BitSet) request.excluded().clone();
        withoutBound.set(bound);
        OptionalInt moved = boundedLoad.pick(pool, new PickRequest(request.key(), request.load(), withoutBound));
        // Some other cell is allowed (bestOther is finite), so bounded-load finds one.
        return new StickyDecision(moved, StickyDecision.Reason.SLOW, 0);
    }

    /** The prediction of the class comment, in milliseconds. */
    double predictedTtftMillis(CellPool pool, int cell, int load, long uncachedTokens) {
        double rate = pool.labelledPrefillRate(cell);
        return settings.predictedTtftMillis(Double.isNaN(rate) ? settings.prefillTokensPerSecond() : rate, load,
                uncachedTokens);
    }
}
