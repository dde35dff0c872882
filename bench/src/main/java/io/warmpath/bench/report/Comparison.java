package io.warmpath.bench.report;

import io.warmpath.bench.profile.WorkflowProfile;
import io.warmpath.bench.replay.Fleet;
import io.warmpath.bench.replay.PolicyRun;
import io.warmpath.bench.replay.ScaleOut;
import io.warmpath.bench.replay.TurnOutcome;
import io.warmpath.bench.workload.Workload;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one offline run reports: the workload, the fleet, each policy's figures next to the ideal's, the data
 * behind the charts, and the per-workflow profile under one policy. Rendered as Markdown, JSON and HTML.
 *
 * @param workload      what was replayed
 * @param fleet         the cells it was routed over
 * @param machine       where it ran
 * @param policies      one summary per policy, then the ideal last
 * @param ttftCdf       per policy, points (TTFT ms, share of turns at or below)
 * @param loadOverTime  per policy (not the ideal), per time bucket: (bucket start in seconds, max over mean of
 *                      turns per cell that arrived in the bucket)
 * @param profiles      per-workflow profiles under {@code profilePolicy}
 * @param profilePolicy the policy the profiles describe
 * @param scaleOut      figures around the run's scale-out event; {@code null} when the fleet did not change
 */
public record Comparison(WorkloadFacts workload, Fleet fleet, Machine machine, List<PolicySummary> policies,
                         Map<String, double[][]> ttftCdf, Map<String, double[][]> loadOverTime,
                         List<WorkflowProfile> profiles, String profilePolicy, ScaleOutFigures scaleOut) {

    static final int CDF_POINTS = 200;
    static final int LOAD_BUCKETS = 60;

    /** The workload in numbers. */
    public record WorkloadFacts(String name, int turns, int sessions, long promptTokens, double spanSeconds,
                                double unboundedBlockHitRatio, String routingKey) {
    }

    /** The machine the replay ran on, so figures are read in context. */
    public record Machine(int cores, String java, String os) {
        public static Machine current() {
            return new Machine(Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                    System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        }
    }

    /**
     * Builds the comparison. {@code runs} hold the policies and the ideal (named {@code ideal}); savings are against
     * {@code round-robin} when it ran.
     */
    public static Comparison of(Workload workload, String routingKey, Fleet fleet, List<PolicyRun> runs,
                                String profilePolicy) {
        return of(workload, routingKey, fleet, runs, profilePolicy, null);
    }

    /**
     * Builds the comparison of runs that went through {@code scaleOut} (none when {@code null}); {@code fleet} is
     * the fleet before the event.
     */
    public static Comparison of(Workload workload, String routingKey, Fleet fleet, List<PolicyRun> runs,
                                String profilePolicy, ScaleOut scaleOut) {
        List<PolicySummary> summaries = new ArrayList<>();
        for (PolicyRun run : runs) {
            summaries.add(PolicySummary.of(run, workload, fleet.profile()));
        }
        double ideal = summaries.stream().filter(s -> s.policy().equals("ideal")).mapToDouble(PolicySummary::hitRatio)
                .findFirst().orElse(0);
        double roundRobinCost = summaries.stream().filter(s -> s.policy().equals("round-robin"))
                .mapToDouble(PolicySummary::costPer1000Turns).findFirst().orElse(0);
        summaries.replaceAll(summary -> summary.against(ideal, roundRobinCost));
        Map<String, double[][]> cdf = new LinkedHashMap<>();
        Map<String, double[][]> load = new LinkedHashMap<>();
        for (PolicyRun run : runs) {
            cdf.put(run.policy(), Percentiles.of(run.outcomes().stream()
                    .mapToDouble(o -> o.ttftSeconds() * 1000).toArray()).cdf(CDF_POINTS));
            if (run.cells() > 1) {
                load.put(run.policy(), loadOverTime(run, workload));
            }
        }
        List<WorkflowProfile> profiles = runs.stream().filter(run -> run.policy().equals(profilePolicy)).findFirst()
                .map(run -> WorkflowProfile.of(workload, run, fleet.profile())).orElse(List.of());
        WorkloadFacts facts = new WorkloadFacts(workload.name(), workload.size(), workload.sessions(),
                workload.promptTokens(), workload.spanSeconds(), workload.unboundedBlockHitRatio(), routingKey);
        ScaleOutFigures scaleOutFigures = scaleOut == null ? null
                : ScaleOutFigures.of(scaleOut, fleet.cells(), workload, runs);
        return new Comparison(facts, fleet, Machine.current(), List.copyOf(summaries), cdf, load, profiles,
                profilePolicy, scaleOutFigures);
    }

    static double[][] loadOverTime(PolicyRun run, Workload workload) {
        double start = workload.turns().isEmpty() ? 0 : workload.turns().getFirst().arrivalSeconds();
        double bucketSeconds = Math.max(workload.spanSeconds() / LOAD_BUCKETS, 1e-9);
        int[][] counts = new int[LOAD_BUCKETS][run.cells()];
        for (TurnOutcome outcome : run.outcomes()) {
            int bucket = (int) Math.min(LOAD_BUCKETS - 1, (outcome.arrivalSeconds() - start) / bucketSeconds);
            counts[bucket][outcome.cell()]++;
        }
        double[][] series = new double[LOAD_BUCKETS][];
        for (int bucket = 0; bucket < LOAD_BUCKETS; bucket++) {
            series[bucket] = new double[] {bucket * bucketSeconds, PolicySummary.loadSpread(counts[bucket])};
        }
        return series;
    }
}
