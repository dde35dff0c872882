package io.warmpath.bench.workload;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads a JSON-lines trace, with errors that name the line. */
final class TraceLines {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private TraceLines() {
    }

    /** One JSON object per non-blank line. */
    static List<JsonNode> read(Path file) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file)) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    lines.add(JSON.readTree(line));
                } catch (RuntimeException malformed) {
                    throw new IllegalArgumentException(file.getFileName() + " line " + number + ": not JSON", malformed);
                }
            }
        }
        return lines;
    }

    static long requiredLong(JsonNode line, String field, int number) {
        JsonNode value = line.get(field);
        if (value == null || !value.isNumber()) {
            throw new IllegalArgumentException("record " + number + ": missing numeric field '" + field + "'");
        }
        return value.asLong();
    }

    static double requiredDouble(JsonNode line, String field, int number) {
        JsonNode value = line.get(field);
        if (value == null || !value.isNumber()) {
            throw new IllegalArgumentException("record " + number + ": missing numeric field '" + field + "'");
        }
        return value.asDouble();
    }

    static long[] blockIds(JsonNode line, int number) {
        JsonNode ids = line.get("hash_ids");
        if (ids == null || !ids.isArray() || ids.isEmpty()) {
            throw new IllegalArgumentException("record " + number + ": missing or empty 'hash_ids'");
        }
        long[] blockIds = new long[ids.size()];
        for (int i = 0; i < blockIds.length; i++) {
            blockIds[i] = ids.get(i).asLong();
        }
        return blockIds;
    }

    /** The trace's prompt length, capped at what its blocks hold (a few traces round lengths up). */
    static int promptTokens(long inputLength, long[] blockIds, int blockSize) {
        return (int) Math.max(1, Math.min(inputLength, (long) blockIds.length * blockSize));
    }
}
