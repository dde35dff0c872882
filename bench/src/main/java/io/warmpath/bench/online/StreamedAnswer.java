package io.warmpath.bench.online;

import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A streamed chat answer as a client reads it: when its first choice arrived, and the usage its last chunk carried.
 *
 * @param ttftMillis from {@code startNanos} to the first chunk with a choice; 0 when none came
 * @param usage      the final usage chunk's {@code usage}; {@code null} when none came
 */
public record StreamedAnswer(double ttftMillis, @Nullable JsonNode usage) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Reads an SSE body to its end. */
    public static StreamedAnswer read(Stream<String> lines, long startNanos) {
        double ttft = 0;
        JsonNode usage = null;
        try (lines) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (!line.startsWith("data: ") || line.equals("data: [DONE]")) {
                    continue;
                }
                JsonNode chunk = JSON.readTree(line.substring(6));
                if (ttft == 0 && !chunk.path("choices").isEmpty()) {
                    ttft = (System.nanoTime() - startNanos) / 1e6;
                }
                if (chunk.hasNonNull("usage")) {
                    usage = chunk.get("usage");
                }
            }
        }
        return new StreamedAnswer(ttft, usage);
    }
}
