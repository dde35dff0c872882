package io.warmpath.bench.online;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The counters the bench reads from a vLLM-compatible engine's Prometheus {@code /metrics}, summed over labels.
 *
 * @param prefixCacheQueries {@code vllm:prefix_cache_queries_total} (tokens)
 * @param prefixCacheHits    {@code vllm:prefix_cache_hits_total} (tokens)
 * @param requestsSucceeded  {@code vllm:request_success_total}
 * @param blockSize          {@code block_size} label of {@code vllm:cache_config_info}, 0 when absent
 * @param gpuBlocks          {@code num_gpu_blocks} label of {@code vllm:cache_config_info}, 0 when absent
 */
record EngineMetrics(double prefixCacheQueries, double prefixCacheHits, double requestsSucceeded, long blockSize,
                     long gpuBlocks) {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})?\\s+(\\S+)");

    static EngineMetrics scrape(HttpClient http, URI engine) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(engine.resolve("/metrics"))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + engine.resolve("/metrics") + " answered " + response.statusCode());
        }
        return parse(response.body());
    }

    static EngineMetrics parse(String exposition) {
        double queries = 0;
        double hits = 0;
        double succeeded = 0;
        long blockSize = 0;
        long gpuBlocks = 0;
        for (String line : exposition.split("\n")) {
            Matcher sample = SAMPLE.matcher(line);
            if (line.startsWith("#") || !sample.find()) {
                continue;
            }
            double value = Double.parseDouble(sample.group(3));
            switch (sample.group(1)) {
                case "vllm:prefix_cache_queries_total" -> queries += value;
                case "vllm:prefix_cache_hits_total" -> hits += value;
                case "vllm:request_success_total" -> succeeded += value;
                case "vllm:cache_config_info" -> {
                    blockSize = label(sample.group(2), "block_size");
                    gpuBlocks = label(sample.group(2), "num_gpu_blocks");
                }
                default -> {
                    // not read
                }
            }
        }
        return new EngineMetrics(queries, hits, succeeded, blockSize, gpuBlocks);
    }

    private static long label(String labels, String name) {
        if (labels == null) {
            return 0;
        }
        Matcher value = Pattern.compile(name + "=\"(\\d+)\"").matcher(labels);
        return value.find() ? Long.parseLong(value.group(1)) : 0;
    }
}
