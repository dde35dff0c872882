package io.warmpath.bench.workload;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Reads traces in Alibaba Bailian's format ({@code chat_id}, {@code parent_chat_id} (-1 for a first turn),
 * {@code timestamp} in seconds, {@code input_length}, {@code output_length}, {@code type}, {@code turn},
 * {@code hash_ids} of 16-token blocks). Sessions are explicit: a turn belongs to the session of its root chat.
 * The request {@code type} (text, search, image, file) becomes the workflow tag.
 */
public final class BailianTrace {

    public static final int BLOCK_SIZE = 16;
    public static final String TENANT = "bailian";

    private BailianTrace() {
    }

    public static Workload read(Path file) throws IOException {
        List<JsonNode> lines = TraceLines.read(file);
        List<Row> rows = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            JsonNode line = lines.get(i);
            long[] blockIds = TraceLines.blockIds(line, i + 1);
            JsonNode type = line.get("type");
            rows.add(new Row(TraceLines.requiredLong(line, "chat_id", i + 1),
                    line.has("parent_chat_id") ? line.get("parent_chat_id").asLong() : -1,
                    TraceLines.requiredDouble(line, "timestamp", i + 1),
                    TraceLines.promptTokens(TraceLines.requiredLong(line, "input_length", i + 1), blockIds, BLOCK_SIZE),
                    (int) Math.max(1, TraceLines.requiredLong(line, "output_length", i + 1)),
                    type == null ? "text" : type.asString(), blockIds));
        }
        Map<Long, Long> rootOf = new HashMap<>();
        // Parents come before children in time; resolve roots in that order so chains resolve in one pass.
        rows.sort(Comparator.comparingDouble(Row::timestamp));
        List<Turn> turns = new ArrayList<>(rows.size());
        for (Row row : rows) {
            long root = row.parentChatId() < 0 ? row.chatId() : rootOf.getOrDefault(row.parentChatId(), row.parentChatId());
            rootOf.put(row.chatId(), root);
            turns.add(new Turn(turns.size(), "chat-" + root, row.type(), row.timestamp(), row.blockIds(), BLOCK_SIZE,
                    row.promptTokens(), row.outputTokens()));
        }
        return new Workload(file.getFileName().toString(), TENANT, turns);
    }

    private record Row(long chatId, long parentChatId, double timestamp, int promptTokens, int outputTokens,
                       String type, long[] blockIds) {
    }
}
