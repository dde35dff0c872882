package io.warmpath.bench.workload;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Reads traces in the Mooncake format ({@code timestamp} in ms, {@code input_length}, {@code output_length},
 * {@code hash_ids} of 512-token blocks) and derives their sessions, which the format does not record: a request
 * continues the session of the earlier request with which it shares the longest prefix of at least
 * {@value #MIN_SHARED_BLOCKS} blocks; otherwise it starts a new one. One block alone is not enough, because every
 * request of the published traces starts with the same system-prompt block.
 */
public final class MooncakeTrace {

    public static final int BLOCK_SIZE = 512;
    public static final int MIN_SHARED_BLOCKS = 2;
    public static final String WORKFLOW = "conversation";
    public static final String TENANT = "mooncake";

    private MooncakeTrace() {
    }

    public static Workload read(Path file) throws IOException {
        List<JsonNode> lines = TraceLines.read(file);
        List<Request> requests = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            JsonNode line = lines.get(i);
            long[] blockIds = TraceLines.blockIds(line, i + 1);
            requests.add(new Request(TraceLines.requiredLong(line, "timestamp", i + 1) / 1000.0,
                    TraceLines.promptTokens(TraceLines.requiredLong(line, "input_length", i + 1), blockIds, BLOCK_SIZE),
                    (int) Math.max(1, TraceLines.requiredLong(line, "output_length", i + 1)), blockIds));
        }
        requests.sort((a, b) -> Double.compare(a.arrivalSeconds(), b.arrivalSeconds()));
        return withDerivedSessions(file.getFileName().toString(), requests);
    }

    /** Builds the workload, assigning each request (in arrival order) a derived session. */
    static Workload withDerivedSessions(String name, List<Request> requests) {
        PrefixIndex index = new PrefixIndex();
        List<Turn> turns = new ArrayList<>(requests.size());
        int sessions = 0;
        for (Request request : requests) {
            PrefixIndex.Match match = index.longestMatch(request.blockIds());
            int session = match.depth() >= MIN_SHARED_BLOCKS ? match.session() : sessions++;
            index.insert(request.blockIds(), session);
            turns.add(new Turn(turns.size(), "mc-" + session, WORKFLOW, request.arrivalSeconds(), request.blockIds(),
                    BLOCK_SIZE, request.promptTokens(), request.outputTokens()));
        }
        return new Workload(name, TENANT, turns);
    }

    /** One line of the trace. */
    record Request(double arrivalSeconds, int promptTokens, int outputTokens, long[] blockIds) {
    }
}
