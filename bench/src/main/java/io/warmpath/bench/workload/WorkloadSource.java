package io.warmpath.bench.workload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The workload a command line names: {@code --trace FILE} (with {@code --format mooncake|bailian}, default mooncake)
 * or {@code --synthetic} (with {@code --seed}, {@code --sessions}, {@code --session-rate}); {@code --max-turns}
 * keeps the first turns only.
 */
public final class WorkloadSource {

    private WorkloadSource() {
    }

    public static Workload load(Map<String, String> options) throws IOException {
        Workload workload;
        if (options.containsKey("trace")) {
            Path trace = Path.of(options.get("trace"));
            if (!Files.isReadable(trace)) {
                throw new IllegalArgumentException("cannot read trace " + trace);
            }
            workload = switch (options.getOrDefault("format", "mooncake").toLowerCase(Locale.ROOT)) {
                case "mooncake" -> MooncakeTrace.read(trace);
                case "bailian" -> BailianTrace.read(trace);
                default -> throw new IllegalArgumentException("--format must be mooncake or bailian");
            };
        } else if (options.containsKey("synthetic")) {
            SyntheticAgents.Shape shape = SyntheticAgents.Shape.defaults(Long.parseLong(options.getOrDefault("seed", "42")));
            if (options.containsKey("sessions")) {
                shape = shape.withSessions(Integer.parseInt(options.get("sessions")));
            }
            if (options.containsKey("session-rate")) {
                shape = shape.withRate(Double.parseDouble(options.get("session-rate")));
            }
            workload = SyntheticAgents.generate(shape);
        } else {
            throw new IllegalArgumentException("name a workload: --trace FILE [--format mooncake|bailian] or --synthetic");
        }
        if (options.containsKey("max-turns")) {
            int maxTurns = Integer.parseInt(options.get("max-turns"));
            if (maxTurns < workload.size()) {
                workload = new Workload(workload.name() + " (first " + maxTurns + " turns)", workload.tenant(),
                        workload.turns().subList(0, maxTurns));
            }
        }
        return workload;
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
