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
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bench replay}: replays a workload offline under each policy and under the ideal, then prints the Markdown
 * comparison and writes JSON and HTML reports.
 */
@Command(name = "replay", header = "Replays a workload offline under each routing policy and the ideal.",
        description = {"Routing-core and the engine simulator run in process on virtual time: no stack needed.",
                "Prints the Markdown comparison and writes JSON and HTML reports."})
public final class ReplayCommand implements Callable<Integer> {

    /** The comparison the issue asks for; {@code sticky} joins when routing-core offers it. */
    static final List<String> DEFAULT_POLICIES = List.of("round-robin", "consistent-hash", "bounded-load", "sticky");
    /** Published context for the Mooncake trace: 8 replicas with about 2M cached tokens each. */
    static final long DEFAULT_TOTAL_CACHE_TOKENS = 16_000_000;

    private final PrintStream out;
    private final PrintStream progressOut;

    @Mixin
    private WorkloadSource workloadSource;

    @Option(names = "--cells", paramLabel = "N", defaultValue = "8",
            description = "Cells of the simulated fleet (default: ${DEFAULT-VALUE}).")
    private int cells;

    @Option(names = "--total-cache-tokens", paramLabel = "N", defaultValue = "" + DEFAULT_TOTAL_CACHE_TOKENS,
            description = "Prefix-cache tokens of the whole fleet, split evenly (default: ${DEFAULT-VALUE}).")
    private long totalCacheTokens;

    @Option(names = "--policies", paramLabel = "P,P", split = ",",
            description = "Routing policies to compare (default: round-robin, consistent-hash, bounded-load, sticky).")
    private @Nullable List<String> policies;

    @Option(names = "--balance-factor", paramLabel = "F", defaultValue = "1.25",
            description = "Bounded-load factor (default: ${DEFAULT-VALUE}).")
    private double balanceFactor;

    @Option(names = "--model", paramLabel = "M", defaultValue = "kimi-k2.5",
            description = "Model profile of the simulated engines (default: ${DEFAULT-VALUE}).")
    private String modelName;

    @Option(names = "--max-num-seqs", paramLabel = "N", defaultValue = "256",
            description = "Concurrent sequences per engine (default: ${DEFAULT-VALUE}).")
    private int maxNumSeqs;

    @Option(names = "--profile-policy", paramLabel = "P",
            description = "Policy whose per-workflow profile is printed (default: the first).")
    private @Nullable String profilePolicy;

    @Option(names = "--scale-out-at", paramLabel = "FRACTION",
            description = "Add cells after this fraction of the turns (0 to 1, exclusive).")
    private @Nullable Double scaleOutAt;

    @Option(names = "--scale-out-cells", paramLabel = "N",
            description = "Cells added at --scale-out-at (default: 1; 0 for a control run).")
    private @Nullable Integer scaleOutCells;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "bench-results",
            description = "Directory of the JSON and HTML reports (default: ${DEFAULT-VALUE}).")
    private Path outDirectory;

    @Spec
    private CommandSpec spec;

    public ReplayCommand(PrintStream out, PrintStream progressOut) {
        this.out = out;
        this.progressOut = progressOut;
    }

    @Override
    public Integer call() throws IOException {
        Workload workload = workloadSource.load(null);
        if (cells < 1 || totalCacheTokens < cells || maxNumSeqs < 1) {
            throw new ParameterException(spec.commandLine(),
                    "--cells, --max-num-seqs and --total-cache-tokens must be positive, with at least a token per cell");
        }
        ModelProfile model = ModelProfile.named(modelName).orElseThrow(() -> new ParameterException(
                spec.commandLine(), "unknown model profile '" + modelName + "'; known: " + ModelProfile.builtInNames()));
        Fleet fleet = new Fleet(cells, totalCacheTokens / cells, model, 16, maxNumSeqs);
        List<String> compared = policies(policies);
        List<String> unknown = compared.stream().filter(name -> !PolicyRouters.available().contains(name)).toList();
        if (compared.isEmpty() || !unknown.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "unknown policies " + unknown + "; known: "
                    + String.join(", ", PolicyRouters.available()));
        }
        ScaleOut scaleOut = scaleOut();
        OfflineReplay replay = new OfflineReplay(fleet, this::progress);

        List<PolicyRun> runs = new ArrayList<>();
        for (String policy : compared) {
            runs.add(replay.run(workload, PolicyRouters.named(policy, fleet, workload.tenant(), balanceFactor),
                    scaleOut));
        }
        runs.add(replay.runIdeal(workload, scaleOut));
        progressOut.print("\r" + " ".repeat(60) + "\r");

        Comparison comparison = Comparison.of(workload, WorkloadSource.routingKeyDescription(workload), fleet, runs,
                profilePolicy != null ? profilePolicy : compared.getFirst(), scaleOut);
        out.print(MarkdownReport.render(comparison));
        Files.createDirectories(outDirectory);
        String base = "replay-" + slug(workload.name()) + (scaleOut == null ? "" : "-scale-out");
        Files.writeString(outDirectory.resolve(base + ".json"), JsonReport.render(comparison));
        Files.writeString(outDirectory.resolve(base + ".html"), HtmlReport.render(comparison));
        out.printf(Locale.ROOT, "%nReports: %s.{json,html}%n", outDirectory.resolve(base));
        return 0;
    }

    /** {@code --scale-out-at F [--scale-out-cells K]} (K defaults to 1), or {@code null} for a fixed fleet. */
    private @Nullable ScaleOut scaleOut() {
        if (scaleOutAt == null) {
            if (scaleOutCells != null) {
                throw new ParameterException(spec.commandLine(),
                        "--scale-out-cells needs --scale-out-at (a fraction of the turns)");
            }
            return null;
        }
        try {
            return new ScaleOut(scaleOutAt, scaleOutCells == null ? 1 : scaleOutCells);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** The requested policies, or the default set without any routing-core does not offer. */
    static List<String> policies(@Nullable List<String> requested) {
        if (requested != null) {
            return requested.stream().map(String::trim).filter(name -> !name.isEmpty()).toList();
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
