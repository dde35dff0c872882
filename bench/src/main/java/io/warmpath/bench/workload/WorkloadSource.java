package io.warmpath.bench.workload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The workload options a command mixes in: {@code --trace FILE} (with {@code --format}) or {@code --synthetic} (with
 * {@code --seed}, {@code --sessions}, {@code --session-rate}); {@code --max-turns} keeps the first turns only.
 */
public final class WorkloadSource {

    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    @Option(names = "--trace", paramLabel = "FILE", description = "Replay this trace.")
    private @Nullable Path trace;

    @Option(names = "--format", paramLabel = "F", defaultValue = "mooncake",
            description = "Trace format: mooncake or bailian (default: ${DEFAULT-VALUE}).")
    private String format;

    @Option(names = "--synthetic", description = "Generate coding-agent sessions instead of reading a trace.")
    private boolean synthetic;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
            description = "Seed of the synthetic sessions (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--sessions", paramLabel = "N", description = "Number of synthetic sessions.")
    private @Nullable Integer sessions;

    @Option(names = "--session-rate", paramLabel = "R", description = "Synthetic sessions started per second.")
    private @Nullable Double sessionRate;

    @Option(names = "--max-turns", paramLabel = "N", description = "Keep only the first N turns.")
    private @Nullable Integer maxTurns;

    /**
     * Reads or generates the workload the options name.
     *
     * @param defaultMaxTurns the turns kept when {@code --max-turns} is absent; {@code null} for all
     */
    public Workload load(@Nullable Integer defaultMaxTurns) throws IOException {
        if ((trace == null) == !synthetic) {
            throw new ParameterException(spec.commandLine(),
                    "name one workload: --trace FILE [--format mooncake|bailian] or --synthetic");
        }
        if (!format.equalsIgnoreCase("mooncake") && !format.equalsIgnoreCase("bailian")) {
            throw new ParameterException(spec.commandLine(), "--format must be mooncake or bailian");
        }
        Workload workload;
        if (trace != null) {
            if (!Files.isReadable(trace)) {
                throw new ParameterException(spec.commandLine(), "cannot read trace " + trace);
            }
            workload = format.equalsIgnoreCase("bailian") ? BailianTrace.read(trace) : MooncakeTrace.read(trace);
        } else {
            SyntheticAgents.Shape shape = SyntheticAgents.Shape.defaults(seed);
            if (sessions != null) {
                shape = shape.withSessions(positive("--sessions", sessions));
            }
            if (sessionRate != null) {
                if (!(sessionRate > 0)) {
                    throw new ParameterException(spec.commandLine(), "--session-rate must be above 0");
                }
                shape = shape.withRate(sessionRate);
            }
            workload = SyntheticAgents.generate(shape);
        }
        Integer keep = maxTurns != null ? Integer.valueOf(positive("--max-turns", maxTurns)) : defaultMaxTurns;
        if (keep != null && keep < workload.size()) {
            workload = new Workload(workload.name() + " (first " + keep + " turns)", workload.tenant(),
                    workload.turns().subList(0, keep));
        }
        return workload;
    }

    private int positive(String option, int value) {
        if (value < 1) {
            throw new ParameterException(spec.commandLine(), option + " must be at least 1");
        }
        return value;
    }

    /** How turns are keyed for routing, in words, for reports. */
    public static String routingKeyDescription(Workload workload) {
        String sessions = workload.tenant().equals(MooncakeTrace.TENANT)
                ? "derived session id (longest shared prefix of at least " + MooncakeTrace.MIN_SHARED_BLOCKS
                        + " blocks)"
                : "session id";
        return "(tenant '" + workload.tenant() + "', " + sessions + ")";
    }
}
