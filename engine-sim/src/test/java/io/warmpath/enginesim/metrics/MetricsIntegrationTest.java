package io.warmpath.enginesim.metrics;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"time-scale=0.01", "num-gpu-blocks-override=2048"})
@AutoConfigureWebTestClient(timeout = "30s") // the default 5 s is too short on a busy CI machine
class MetricsIntegrationTest {

    private static final String LABEL = "{model_name=\"kimi-k2.5\"}";

    @Autowired
    private WebTestClient client;

    @Test
    void prefixCacheHitsGrowWhenAPromptPrefixRepeats() {
        String before = scrape();
        String prompt = "Shared context " + UUID.randomUUID() + " " + "with plenty of words. ".repeat(30);

        complete(prompt);
        complete(prompt);
        String after = scrape();

        assertThat(value(after, "vllm:prefix_cache_hits_total" + LABEL))
                .isGreaterThanOrEqualTo(value(before, "vllm:prefix_cache_hits_total" + LABEL) + 16);
        assertThat(value(after, "vllm:prefix_cache_queries_total" + LABEL))
                .isGreaterThan(value(before, "vllm:prefix_cache_queries_total" + LABEL));
        assertThat(value(after, "vllm:generation_tokens_total" + LABEL))
                .isGreaterThanOrEqualTo(value(before, "vllm:generation_tokens_total" + LABEL) + 4);
        assertThat(value(after, "vllm:time_to_first_token_seconds_count" + LABEL))
                .isGreaterThanOrEqualTo(value(before, "vllm:time_to_first_token_seconds_count" + LABEL) + 2);
    }

    @Test
    void exposesVllmMetricNamesWithTheModelNameLabel() {
        String text = scrape();

        assertThat(text)
                .contains("# TYPE vllm:prefix_cache_queries_total counter")
                .contains("vllm:num_requests_running" + LABEL + " ")
                .contains("vllm:num_requests_waiting" + LABEL + " ")
                .contains("vllm:kv_cache_usage_perc" + LABEL + " ")
                .contains("vllm:prompt_tokens_total" + LABEL + " ")
                .contains("# TYPE vllm:time_to_first_token_seconds histogram")
                .contains("vllm:time_to_first_token_seconds_bucket{model_name=\"kimi-k2.5\",le=\"0.001\"}")
                .contains("vllm:time_to_first_token_seconds_bucket{model_name=\"kimi-k2.5\",le=\"+Inf\"}")
                .containsPattern("vllm:cache_config_info\\{block_size=\"16\",.*num_gpu_blocks=\"2048\"\\} 1\\.0");
    }

    private void complete(String prompt) {
        client.post().uri("/v1/completions")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("prompt", List.of(prompt), "max_tokens", 2))
                .exchange()
                .expectStatus().isOk()
                .expectBody(Void.class);
    }

    private String scrape() {
        return client.get().uri("/metrics").exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_PLAIN)
                .expectBody(String.class).returnResult().getResponseBody();
    }

    private static double value(String exposition, String series) {
        Matcher matcher = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(exposition);
        assertThat(matcher.find()).as("series %s is exposed", series).isTrue();
        return Double.parseDouble(matcher.group(1));
    }
}
