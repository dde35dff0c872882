package io.warmpath.enginesim.metrics;

import io.warmpath.enginesim.engine.EngineConfig;
import io.warmpath.enginesim.engine.EngineMetrics;
import io.warmpath.enginesim.engine.LatencyHistogram;

/**
 * Writes engine metrics in the Prometheus text format (0.0.4) with vLLM's names and its {@code model_name} label,
 * the way vLLM's prometheus_client output looks (counters carry {@code _total} in HELP/TYPE and samples).
 * Times are model seconds.
 */
final class PrometheusExposition {

    private PrometheusExposition() {
    }

    static String render(String modelName, EngineConfig config, EngineMetrics metrics) {
        String label = "model_name=\"" + escape(modelName) + "\"";
        StringBuilder out = new StringBuilder(4096);
        gauge(out, "vllm:num_requests_running", "Number of requests in model execution batches.", label,
                metrics.running());
        gauge(out, "vllm:num_requests_waiting", "Number of requests waiting to be processed.", label,
                metrics.waiting());
        gauge(out, "vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.", label,
                metrics.kvCacheUsage());
        counter(out, "vllm:prefix_cache_queries_total",
                "Prefix cache queries, in terms of number of queried tokens.", label, metrics.prefixCacheQueries());
        counter(out, "vllm:prefix_cache_hits_total",
                "Prefix cache hits, in terms of number of cached tokens.", label, metrics.prefixCacheHits());
        counter(out, "vllm:prompt_tokens_total", "Number of prefill tokens processed.", label,
                metrics.promptTokens());
        counter(out, "vllm:generation_tokens_total", "Number of generation tokens processed.", label,
                metrics.generationTokens());
        counter(out, "vllm:request_success_total", "Count of successfully processed requests.", label,
                metrics.requestsFinished());
        histogram(out, "vllm:time_to_first_token_seconds", "Histogram of time to first token in seconds.", label,
                metrics.timeToFirstToken());
        String cacheLabels = "block_size=\"" + config.blockSize() + "\",cache_dtype=\"auto\","
                + "enable_prefix_caching=\"True\"," + label + ",num_gpu_blocks=\"" + config.capacityBlocks() + "\"";
        gauge(out, "vllm:cache_config_info", "Information of the LLMEngine CacheConfig", cacheLabels, 1);
        return out.toString();
    }

    private static void gauge(StringBuilder out, String name, String help, String labels, double value) {
        header(out, name, help, "gauge");
        sample(out, name, labels, value);
    }

    private static void counter(StringBuilder out, String name, String help, String labels, long value) {
        header(out, name, help, "counter");
        sample(out, name, labels, value);
    }

    private static void histogram(StringBuilder out, String name, String help, String labels,
                                  LatencyHistogram.Snapshot snapshot) {
        header(out, name, help, "histogram");
        double[] bounds = snapshot.upperBounds();
        long[] counts = snapshot.cumulativeCounts();
        for (int index = 0; index < bounds.length; index++) {
            sample(out, name + "_bucket", labels + ",le=\"" + bounds[index] + "\"", counts[index]);
        }
        sample(out, name + "_bucket", labels + ",le=\"+Inf\"", snapshot.count());
        sample(out, name + "_count", labels, snapshot.count());
        sample(out, name + "_sum", labels, snapshot.sum());
    }

    private static void header(StringBuilder out, String name, String help, String type) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void sample(StringBuilder out, String name, String labels, double value) {
        out.append(name).append('{').append(labels).append("} ").append(value).append('\n');
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
