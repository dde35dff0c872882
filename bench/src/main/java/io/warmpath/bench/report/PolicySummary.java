package io.warmpath.bench.report;

import io.warmpath.bench.replay.PolicyRun;
import io.warmpath.bench.replay.TurnOutcome;
import io.warmpath.bench.workload.Workload;
import io.warmpath.enginesim.engine.ModelProfile;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures of one policy's replay. Latencies in milliseconds of model time.
 *
 * @param policy                  policy name
 * @param turns                   turns completed
 * @param rejected                turns the engines refused
 * @param hitRatio                prompt tokens served from cache over prompt tokens (token-weighted)
 * @param hitRatioToIdeal         {@code hitRatio} over the ideal's; 1 for the ideal itself
 * @param ttftMillis              time to first token, p50 / p95 / p99
 * @param sessionTtftSpreadMillis per session with two or more turns, its slowest minus its fastest TTFT; p50 / p95
 *                                over sessions
 * @param e2eMillis               arrival to last token, p50 / p95 / p99
 * @param requestsPerSecond       turns completed over the replay's span (first arrival to last completion)
 * @param outputTokensPerSecond   completion tokens over the same span
 * @param loadSpread              max over mean of turns per cell (1 is perfectly even)
 * @param costPer1000Turns        US dollars per 1,000 turns at the model's prices
 * @param savingVsRoundRobin      1 - cost / round-robin's cost (0 when round-robin was not run)
 * @param wallSeconds             real time the replay took
 * @param turnsPerCell            turns each cell served
 */
public record PolicySummary(String policy, int turns, int rejected, double hitRatio, double hitRatioToIdeal,
                            Triple ttftMillis, Pair sessionTtftSpreadMillis, Triple e2eMillis,
                            double requestsPerSecond, double outputTokensPerSecond, double loadSpread,
                            double costPer1000Turns, double savingVsRoundRobin, double wallSeconds,
                            int[] turnsPerCell) {

    /** p50 / p95 / p99. */
    public record Triple(double p50, double p95, double p99) {
        public static Triple of(Percentiles percentiles) {
            return new Triple(percentiles.at(50), percentiles.at(95), percentiles.at(99));
        }
    }

    /** p50 / p95. */
    public record Pair(double p50, double p95) {
    }

    /** Summarises a run; the comparison figures (ratio to ideal, saving) are filled by {@link #against}. */
    public static PolicySummary of(PolicyRun run, Workload workload, ModelProfile prices) {
        List<TurnOutcome> outcomes = run.outcomes();
        int n = outcomes.size();
        long prompt = 0;
        long cached = 0;
        long output = 0;
        double cost = 0;
        double[] ttft = new double[n];
        double[] e2e = new double[n];
        int[] perCell = new int[run.cells()];
        double firstArrival = Double.MAX_VALUE;
        double lastFinish = 0;
        Map<String, double[]> sessionRange = new HashMap<>();
        Map<String, Integer> sessionTurns = new HashMap<>();
        for (int i = 0; i < n; i++) {
            TurnOutcome outcome = outcomes.get(i);
            prompt += outcome.promptTokens();
            cached += outcome.cachedTokens();
            output += outcome.completionTokens();
            cost += prices.costUsd(outcome.promptTokens(), outcome.cachedTokens(), outcome.completionTokens());
            ttft[i] = outcome.ttftSeconds() * 1000;
            e2e[i] = outcome.e2eSeconds() * 1000;
            perCell[outcome.cell()]++;
            firstArrival = Math.min(firstArrival, outcome.arrivalSeconds());
            lastFinish = Math.max(lastFinish, outcome.arrivalSeconds() + outcome.e2eSeconds());
            String session = workload.turns().get(outcome.turn()).sessionId();
            double[] range = sessionRange.computeIfAbsent(session, s -> new double[] {Double.MAX_VALUE, 0});
            range[0] = Math.min(range[0], ttft[i]);
            range[1] = Math.max(range[1], ttft[i]);
            sessionTurns.merge(session, 1, Integer::sum);
        }
        double[] spreads = sessionRange.entrySet().stream()
                .filter(entry -> sessionTurns.get(entry.getKey()) >= 2)
                .mapToDouble(entry -> entry.getValue()[1] - entry.getValue()[0]).toArray();
        Percentiles spread = Percentiles.of(spreads);
        double span = n == 0 ? 0 : lastFinish - firstArrival;
        return new PolicySummary(run.policy(), n, run.rejected(), prompt == 0 ? 0 : (double) cached / prompt, 1,
                Triple.of(Percentiles.of(ttft)), new Pair(spread.at(50), spread.at(95)), Triple.of(Percentiles.of(e2e)),
                span > 0 ? n / span : 0, span > 0 ? output / span : 0, loadSpread(perCell),
                n == 0 ? 0 : cost / n * 1000, 0, run.wallSeconds(), perCell);
    }

    /** This summary with its ratio to the ideal's hit ratio and its saving against round-robin's cost. */
    public PolicySummary against(double idealHitRatio, double roundRobinCostPer1000Turns) {
        return new PolicySummary(policy, turns, rejected, hitRatio, idealHitRatio > 0 ? hitRatio / idealHitRatio : 0,
                ttftMillis, sessionTtftSpreadMillis, e2eMillis, requestsPerSecond, outputTokensPerSecond, loadSpread,
                costPer1000Turns, roundRobinCostPer1000Turns > 0 ? 1 - costPer1000Turns / roundRobinCostPer1000Turns : 0,
                wallSeconds, turnsPerCell);
    }

    /** Max over mean of the counts; 1 for a single cell or no load. */
    static double loadSpread(int[] counts) {
        long total = 0;
        int max = 0;
        for (int count : counts) {
            total += count;
            max = Math.max(max, count);
        }
        return total == 0 ? 1 : max / ((double) total / counts.length);
    }
}
