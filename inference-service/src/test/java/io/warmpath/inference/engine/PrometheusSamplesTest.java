package io.warmpath.inference.engine;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PrometheusSamplesTest {

    private static final String VLLM_SCRAPE = """
            # HELP vllm:num_requests_running Number of requests in model execution batches.
            # TYPE vllm:num_requests_running gauge
            vllm:num_requests_running{engine="0",model_name="kimi-k2.5"} 3.0
            vllm:num_requests_running{engine="1",model_name="kimi-k2.5"} 2.0
            # TYPE vllm:num_requests_waiting gauge
            vllm:num_requests_waiting{model_name="kimi-k2.5"} 7.0 1712345678000
            vllm:time_to_first_token_seconds_bucket{le="+Inf",model_name="kimi-k2.5"} 12.0
            vllm:cache_config_info{block_size="16",cache_dtype="auto",note="a \\"quoted\\", comma"} 1.0
            process_open_fds 42
            """;

    @Test
    void sumsEverySeriesOfAMetric() {
        var samples = PrometheusSamples.parse(VLLM_SCRAPE);

        assertThat(samples.sum("vllm:num_requests_running")).hasValue(5.0);
        assertThat(samples.sum("vllm:num_requests_waiting")).hasValue(7.0);
        assertThat(samples.sum("process_open_fds")).hasValue(42.0);
    }

    @Test
    void readsLabelsIncludingEscapedQuotesAndCommas() {
        var samples = PrometheusSamples.parse(VLLM_SCRAPE);

        var info = samples.samples().stream().filter(s -> s.name().equals("vllm:cache_config_info")).findFirst();
        assertThat(info).isPresent();
        assertThat(info.get().labels())
                .containsEntry("block_size", "16")
                .containsEntry("note", "a \"quoted\", comma");
        var bucket = samples.samples().stream()
                .filter(s -> s.name().equals("vllm:time_to_first_token_seconds_bucket")).findFirst();
        assertThat(bucket.get().labels()).containsEntry("le", "+Inf");
    }

    @Test
    void absentMetricIsEmptyRatherThanZero() {
        assertThat(PrometheusSamples.parse(VLLM_SCRAPE).sum("vllm:kv_cache_usage_perc")).isEmpty();
    }

    @Test
    void skipsLinesThatDoNotParseAndKeepsTheRest() {
        var samples = PrometheusSamples.parse("""
                broken{model_name="unterminated} 1
                no_value
                garbage{a="b"} not-a-number
                vllm:num_requests_waiting 4
                special_values{kind="nan"} NaN
                """);

        assertThat(samples.sum("vllm:num_requests_waiting")).hasValue(4.0);
        assertThat(samples.sum("broken")).isEmpty();
        assertThat(samples.sum("no_value")).isEmpty();
        assertThat(samples.sum("garbage")).isEmpty();
        assertThat(samples.sum("special_values").getAsDouble()).isNaN();
    }
}
