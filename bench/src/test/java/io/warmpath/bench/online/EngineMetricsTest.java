package io.warmpath.bench.online;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EngineMetricsTest {

    @Test
    void readsPrefixCacheCountersAndCacheShapeFromTheExposition() {
        EngineMetrics metrics = EngineMetrics.parse("""
                # HELP vllm:prefix_cache_queries_total Prefix cache queries, in tokens.
                # TYPE vllm:prefix_cache_queries_total counter
                vllm:prefix_cache_queries_total{model_name="kimi-k2.5"} 1200.0
                vllm:prefix_cache_hits_total{model_name="kimi-k2.5"} 480.0
                vllm:request_success_total{finished_reason="length",model_name="kimi-k2.5"} 7.0
                vllm:request_success_total{finished_reason="stop",model_name="kimi-k2.5"} 3.0
                vllm:cache_config_info{block_size="16",model_name="kimi-k2.5",num_gpu_blocks="4096"} 1.0
                vllm:num_requests_running{model_name="kimi-k2.5"} 2.0
                """);

        assertThat(metrics.prefixCacheQueries()).isEqualTo(1200);
        assertThat(metrics.prefixCacheHits()).isEqualTo(480);
        assertThat(metrics.requestsSucceeded()).isEqualTo(10);
        assertThat(metrics.blockSize()).isEqualTo(16);
        assertThat(metrics.gpuBlocks()).isEqualTo(4096);
    }
}
