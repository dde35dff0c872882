package io.warmpath.enginesim.engine;

/**
 * A snapshot of the engine's vLLM-style metrics. Token counters are totals since start; times are model seconds.
 *
 * @param running            requests holding a running slot ({@code vllm:num_requests_running})
 * @param waiting            requests queued for a slot ({@code vllm:num_requests_waiting})
 * @param kvCacheUsage       fraction of KV blocks held by running requests, 0..1 ({@code vllm:kv_cache_usage_perc})
 * @param prefixCacheQueries prompt tokens looked up in the prefix cache ({@code vllm:prefix_cache_queries})
 * @param prefixCacheHits    prompt tokens served from the prefix cache ({@code vllm:prefix_cache_hits})
 * @param promptTokens       prompt tokens of requests that reached their first token ({@code vllm:prompt_tokens})
 * @param generationTokens   output tokens produced ({@code vllm:generation_tokens})
 * @param requestsFinished   generations that completed normally
 * @param timeToFirstToken   TTFT histogram in model seconds ({@code vllm:time_to_first_token_seconds})
 */
public record EngineMetrics(
        int running,
        int waiting,
        double kvCacheUsage,
        long prefixCacheQueries,
        long prefixCacheHits,
        long promptTokens,
        long generationTokens,
        long requestsFinished,
        LatencyHistogram.Snapshot timeToFirstToken) {
}
