package io.warmpath.bench.replay;

import io.warmpath.bench.report.Comparison;
import io.warmpath.bench.report.HtmlReport;
import io.warmpath.bench.report.JsonReport;
import io.warmpath.bench.report.MarkdownReport;
import io.warmpath.bench.workload.Workload;
import io.warmpath.bench.workload.WorkloadSource;
import io.warmpath.enginesim.engine.ModelProfile;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bench replay}: replays a workload offline under each policy and under the ideal, then prints the Markdown
 * comparison and writes JSON and HTML reports.
 */
public final class ReplayCommand {

    /** The comparison the issue asks for; {@code sticky} joins when routing-core offers it. */
    static final List<String> DEFAULT_POLICIES = List.of("round-robin", "consistent-hash", "bounded-load", "sticky");
    /** Published context for the Mooncake trace: 8 replicas with about 2M cached tokens each. */
    static final long DEFAULT_TOTAL_CACHE_TOKENS = 16_000_000;

    private final PrintStream out;
    private final PrintStream progressOut;

    public ReplayCommand(PrintStream out, PrintStream progressOut) {
        this.out = out;
        this.progressOut = progressOut;
    }

    public void run(Map<String, String> options) throws IOException {
        Workload workload = WorkloadSource.load(options);
        int cells = Integer.parseInt(options.getOrDefault("cells", "8"));
        long totalCache = Long.parseLong(options.getOrDefault("total-cache-tokens",
                Long.toString(DEFAULT_TOTAL_CACHE_TOKENS)));
        String modelName = options.getOrDefault("model", "kimi-k2.5");
        ModelProfile model = ModelProfile.named(modelName).orElseThrow(() -> new IllegalArgumentException(
                "unknown model profile '" + modelName + "'; known: " + ModelProfile.builtInNames()));
        Fleet fleet = new Fleet(cells, totalCache / cells, model, 16,
                Integer.parseInt(options.getOrDefault("max-num-seqs", "256")));
        double balanceFactor = Double.parseDouble(options.getOrDefault("balance-factor", "1.25"));
        List<String> policies = policies(options.get("policies"));
        ScaleOut scaleOut = scaleOut(options);
        OfflineReplay replay = new OfflineReplay(fleet, this::progress);

        List<PolicyRun> runs = new ArrayList<>();
        for (String policy : policies) {
            runs.add(replay.run(workload, PolicyRouters.named(policy, fleet, workload.tenant(), balanceFactor),
                    scaleOut));
        }
        runs.add(replay.runIdeal(workload, scaleOut));
        progressOut.print("\r" + " ".repeat(60) + "\r");

        String profilePolicy = options.getOrDefault("profile-policy", policies.getFirst());
        Comparison comparison = Comparison.of(workload, WorkloadSource.routingKeyDescription(workload), fleet, runs,
                profilePolicy, scaleOut);
        out.print(MarkdownReport.render(comparison));
        Path directory = Path.of(options.getOrDefault("out", "bench-results"));
        Files.createDirectories(directory);
        String base = "replay-" + slug(workload.name()) + (scaleOut == null ? "" : "-scale-out");
        Files.writeString(directory.resolve(base + ".json"), JsonReport.render(comparison));
        Files.writeString(directory.resolve(base + ".html"), HtmlReport.render(comparison));
        out.printf(Locale.ROOT, "%nReports: %s.{json,html}%n", directory.resolve(base));
    }

    /** {@code --scale-out-at F [--scale-out-cells K]} (K defaults to 1), or {@code null} for a fixed fleet. */
    static ScaleOut scaleOut(Map<String, String> options) {
        String at = options.get("scale-out-at");
        if (at == null) {
            if (options.containsKey("scale-out-cells")) {
                throw new IllegalArgumentException("--scale-out-cells needs --scale-out-at (a fraction of the turns)");
            }
            return null;
        }
        return new ScaleOut(Double.parseDouble(at), Integer.parseInt(options.getOrDefault("scale-out-cells", "1")));
    }

    /** The requested policies, or the default set without any routing-core does not offer. */
    static List<String> policies(String requested) {
        if (requested != null) {
            return Arrays.stream(requested.split(",")).map(String::trim).filter(name -> !name.isEmpty()).toList();
        }
        List<String> available = PolicyRouters.available();
        return DEFAULT_POLICIES.stream().filter(available::contains).toList();
    }

    private void progress(String policy, int done, int total) {
        progressOut.printf(Locale.ROOT, "\r%-16s %3d%% (%,d / %,d turns)", policy, total == 0 ? 100 : done * 100 / total,
                done, total);
    }

    static String slug(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }
}
