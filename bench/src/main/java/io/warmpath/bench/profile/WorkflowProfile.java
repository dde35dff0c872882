package io.warmpath.bench.profile;

import io.warmpath.bench.replay.PolicyRun;
import io.warmpath.bench.replay.TurnOutcome;
import io.warmpath.bench.report.Percentiles;
import io.warmpath.bench.workload.Turn;
import io.warmpath.bench.workload.Workload;
import io.warmpath.enginesim.engine.ModelProfile;
import io.warmpath.bench.report.PolicySummary.Triple;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The baseline latency and token profile of one workflow under one policy: what a turn costs in each token class,
 * how fast context grows, how long the first token takes, and what a session costs.
 *
 * @param workflow              the workflow tag
 * @param policy                the policy the turns were routed by
 * @param sessions              sessions of the workflow
 * @param turns                 turns completed
 * @param meanUncachedPrompt    prompt tokens prefilled per turn
 * @param meanCachedPrompt      prompt tokens served from cache per turn
 * @param meanCompletion        completion tokens per turn
 * @param meanGrowthPerTurn     prompt tokens added from one turn of a session to the next
 * @param ttftMillis            time to first token p50 / p95 / p99
 * @param costPerSession        US dollars per session
 * @param byTurn                the same token classes by turn number within the session (the last row gathers the
 *                              turns from {@value #TURN_ROWS} on)
 */
public record WorkflowProfile(String workflow, String policy, int sessions, int turns, double meanUncachedPrompt,
                              double meanCachedPrompt, double meanCompletion, double meanGrowthPerTurn,
                              Triple ttftMillis, SessionCost costPerSession, List<TurnRow> byTurn) {

    static final int TURN_ROWS = 12;

    /** US dollars per session. */
    public record SessionCost(double mean, double p50, double p95) {
    }

    /**
     * Token classes of the turns with one turn number.
     *
     * @param turnNumber 1 for a session's first turn; the last row holds this number and all later ones
     */
    public record TurnRow(int turnNumber, int turns, double meanUncachedPrompt, double meanCachedPrompt,
                          double meanCompletion, double ttftP50Millis) {
    }

    /** One profile per workflow of the workload, in order of first appearance. */
    public static List<WorkflowProfile> of(Workload workload, PolicyRun run, ModelProfile prices) {
        Map<String, List<TurnOutcome>> byWorkflow = new LinkedHashMap<>();
        for (TurnOutcome outcome : run.outcomes()) {
            byWorkflow.computeIfAbsent(workload.turns().get(outcome.turn()).workflow(), w -> new ArrayList<>())
                    .add(outcome);
        }
        List<WorkflowProfile> profiles = new ArrayList<>();
        byWorkflow.forEach((workflow, outcomes) -> profiles.add(profile(workflow, run.policy(), workload, outcomes,
                prices)));
        return profiles;
    }

    private static WorkflowProfile profile(String workflow, String policy, Workload workload,
                                           List<TurnOutcome> outcomes, ModelProfile prices) {
        Map<String, Double> costBySession = new HashMap<>();
        Map<String, Integer> lastPromptBySession = new HashMap<>();
        Map<String, Integer> turnNumberBySession = new HashMap<>();
        Map<Integer, List<TurnOutcome>> byTurn = new TreeMap<>();
        double uncached = 0;
        double cached = 0;
        double completion = 0;
        double growth = 0;
        int growthSamples = 0;
        double[] ttft = new double[outcomes.size()];
        // Outcomes are in arrival order, so a session's turns come in their order.
        for (int i = 0; i < outcomes.size(); i++) {
            TurnOutcome outcome = outcomes.get(i);
            Turn turn = workload.turns().get(outcome.turn());
            uncached += outcome.uncachedTokens();
            cached += outcome.cachedTokens();
            completion += outcome.completionTokens();
            ttft[i] = outcome.ttftSeconds() * 1000;
            costBySession.merge(turn.sessionId(),
                    prices.costUsd(outcome.promptTokens(), outcome.cachedTokens(), outcome.completionTokens()),
                    Double::sum);
            Integer previous = lastPromptBySession.put(turn.sessionId(), outcome.promptTokens());
            if (previous != null) {
                growth += outcome.promptTokens() - previous;
                growthSamples++;
            }
            int number = turnNumberBySession.merge(turn.sessionId(), 1, Integer::sum);
            byTurn.computeIfAbsent(Math.min(number, TURN_ROWS), k -> new ArrayList<>()).add(outcome);
        }
        int n = Math.max(1, outcomes.size());
        Percentiles ttftPercentiles = Percentiles.of(ttft);
        double[] sessionCosts = costBySession.values().stream().mapToDouble(Double::doubleValue).toArray();
        Percentiles costs = Percentiles.of(sessionCosts);
        List<TurnRow> rows = new ArrayList<>();
        byTurn.forEach((number, turns) -> rows.add(new TurnRow(number, turns.size(),
                turns.stream().mapToInt(TurnOutcome::uncachedTokens).average().orElse(0),
                turns.stream().mapToInt(TurnOutcome::cachedTokens).average().orElse(0),
                turns.stream().mapToInt(TurnOutcome::completionTokens).average().orElse(0),
                Percentiles.of(turns.stream().mapToDouble(t -> t.ttftSeconds() * 1000).toArray()).at(50))));
        return new WorkflowProfile(workflow, policy, costBySession.size(), outcomes.size(), uncached / n, cached / n,
                completion / n, growthSamples == 0 ? 0 : growth / growthSamples,
                new Triple(ttftPercentiles.at(50), ttftPercentiles.at(95), ttftPercentiles.at(99)),
                new SessionCost(Arrays.stream(sessionCosts).average().orElse(0), costs.at(50), costs.at(95)), rows);
    }
}
