package io.warmpath.inference.openai;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.warmpath.contracts.UsageReport;
import io.warmpath.contracts.errors.ErrorCode;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

class StreamRelayTest {

    private static final String ROLE = """
            {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}""";
    private static final String HELLO = """
            {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hello"}}]}""";
    private static final String WORLD = """
            {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":" world"},"finish_reason":"stop"}]}""";
    private static final String USAGE = """
            {"id":"c1","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":11,"completion_tokens":2,"total_tokens":13,"prompt_tokens_details":{"cached_tokens":7}}}""";

    private static final Duration LIMIT = Duration.ofMinutes(9);
    private static final Consumer<JsonNode> IGNORE_CHUNKS = chunk -> {
    };

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicInteger finishCalls = new AtomicInteger();
    private final StreamRelay relay = new StreamRelay(JsonMapper.shared());

    @Test
    void relaysEventsUnchangedAndReportsTheUsageTheClientDidNotAskForAsAComment() {
        List<String> frames = relay(Flux.just(ROLE, HELLO, WORLD, USAGE, "[DONE]"), false);

        // Prompt 11 and completion 2: the gateway's token rate limit settles with 13; SSE clients skip comments.
        assertThat(frames).containsExactly(frame(ROLE), frame(HELLO), frame(WORLD),
                UsageReport.COMMENT_PREFIX + "13\n\n", "data: [DONE]\n\n");
        assertThat(tokens("prompt")).isEqualTo(11);
        assertThat(tokens("cached")).isEqualTo(7);
        assertThat(tokens("completion")).isEqualTo(2);
        assertThat(registry.get(InferenceMetrics.TTFT).timer().count()).isEqualTo(1);
        assertThat(requests("ok")).isEqualTo(1);
        assertThat(finishCalls).hasValue(1);
    }

    @Test
    void keepsTheUsageChunkWhenTheClientAskedForIt() {
        List<String> frames = relay(Flux.just(ROLE, HELLO, USAGE, "[DONE]"), true);

        assertThat(frames).containsExactly(frame(ROLE), frame(HELLO), frame(USAGE), UsageReport.commentFrame(13),
                "data: [DONE]\n\n");
        assertThat(tokens("cached")).isEqualTo(7);
    }

    @Test
    void streamThatEndsWithoutDoneEndsWithAnErrorEventAndNoDone() {
        List<String> frames = relay(Flux.just(ROLE, HELLO), false);

        assertThat(frames).hasSize(3);
        assertThat(frames.subList(0, 2)).containsExactly(frame(ROLE), frame(HELLO));
        assertThat(frames.getLast()).startsWith("data: {\"error\":").contains("\"code\":\"stream_broken\"");
        assertThat(frames).noneMatch(frame -> frame.contains("[DONE]"));
        assertThat(requests("stream_broken")).isEqualTo(1);
    }

    @Test
    void streamThatFailsMidwayEndsWithAnErrorEventAndNoDone() {
        Flux<String> engine = Flux.concat(Flux.just(ROLE, HELLO), Flux.error(new IOException("connection reset")));

        List<String> frames = relay(engine, false);

        assertThat(frames.getLast()).contains("\"type\":\"server_error\"").contains("stream_broken");
        assertThat(frames).noneMatch(frame -> frame.contains("[DONE]"));
        assertThat(requests("stream_broken")).isEqualTo(1);
        assertThat(finishCalls).hasValue(1);
    }

    @Test
    void connectionDroppedAfterDoneLeavesACompleteAnswer() {
        Flux<String> engine = Flux.concat(Flux.just(HELLO, "[DONE]"), Flux.error(new IOException("connection reset")));

        List<String> frames = relay(engine, false);

        assertThat(frames).containsExactly(frame(HELLO), "data: [DONE]\n\n");
        assertThat(requests("ok")).isEqualTo(1);
    }

    @Test
    void roleOnlyChunkIsNotTheFirstToken() {
        relay(Flux.just(ROLE, USAGE, "[DONE]"), false);

        assertThat(registry.find(InferenceMetrics.TTFT).timer()).isNull();
        assertThat(requests("ok")).isEqualTo(1);
    }

    @Test
    void completionsTextCountsAsTheFirstToken() {
        relay(Flux.just("{\"choices\":[{\"index\":0,\"text\":\"Once\"}]}", "[DONE]"), false);

        assertThat(registry.get(InferenceMetrics.TTFT).timer().count()).isEqualTo(1);
    }

    @Test
    void errorEventFromTheEngineIsRelayedAndCountedAsAnEngineError() {
        String engineError = "{\"error\":{\"message\":\"boom\",\"type\":\"InternalServerError\",\"code\":500}}";

        List<String> frames = relay(Flux.just(ROLE, engineError, "[DONE]"), false);

        assertThat(frames).containsExactly(frame(ROLE), frame(engineError), "data: [DONE]\n\n");
        assertThat(requests("engine_error")).isEqualTo(1);
    }

    @Test
    void errorEventIsRelayedWithSecretsItQuotesRedacted() {
        String envelope = "{\"error\":{\"message\":\"bad key sk-abcdefghijklmnopqrstuvwxyz12 in request\",\"code\":400}}";
        String flat = "{\"object\":\"error\",\"message\":\"no user jane.doe@example.com\",\"code\":400}";
        String bare = "{\"error\":\"Unauthorized for sk-abcdefghijklmnopqrstuvwxyz12\"}";

        List<String> frames = relay(Flux.just(ROLE, envelope, flat, bare, "[DONE]"), false);

        assertThat(frames).hasSize(5);
        assertThat(message(frames.get(1))).isEqualTo("bad key [REDACTED:api_key] in request");
        assertThat(message(frames.get(2))).isEqualTo("no user [REDACTED:email]");
        assertThat(frames.get(3)).contains("[REDACTED:api_key]");
        assertThat(String.join("", frames)).doesNotContain("abcdefghijklmnopqrstuvwxyz12", "jane.doe");
    }

    @Test
    void flatErrorEventOfOlderVllmIsPutIntoTheOpenAiEnvelope() {
        String flat = "{\"object\":\"error\",\"message\":\"boom\",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}";

        List<String> frames = relay(Flux.just(ROLE, flat, "[DONE]"), false);

        assertThat(frames).hasSize(3);
        var error = JsonMapper.shared().readTree(frames.get(1).substring("data: ".length())).path("error");
        assertThat(error.path("message").asString()).isEqualTo("boom");
        assertThat(error.path("type").asString()).isEqualTo("BadRequestError");
        assertThat(error.has("object")).isFalse();
        assertThat(requests("engine_error")).isEqualTo(1);
    }

    @Test
    void streamOutlastingItsTimeLimitIsCancelledAndEndsWithATimeoutEventAndNoDone() {
        var finished = new java.util.concurrent.atomic.AtomicReference<FinishedRequest>();
        var observation = new RequestObservation(registry, "m", true, finished::set);
        observation.engineCalled();
        var engineCancelled = new java.util.concurrent.atomic.AtomicBoolean();

        StepVerifier.withVirtualTime(() -> relay.relay(Flux.concat(Flux.just(ROLE, HELLO), Flux.<String>never())
                        .doOnCancel(() -> engineCancelled.set(true)), false, observation, IGNORE_CHUNKS,
                        Duration.ofMinutes(9), ErrorCode.ENGINE_TIMEOUT))
                .expectNext(frame(ROLE), frame(HELLO))
                .expectNoEvent(Duration.ofMinutes(9).minusMillis(1))
                .thenAwait(Duration.ofMillis(1))
                .assertNext(last -> {
                    var error = JsonMapper.shared().readTree(last.substring("data: ".length())).path("error");
                    assertThat(error.path("code").asString()).isEqualTo("engine_timeout");
                    assertThat(error.path("type").asString()).isEqualTo("server_error");
                })
                .verifyComplete();

        // The engine stops generating; the turn settles what the cell saw.
        assertThat(engineCancelled).isTrue();
        assertThat(finished.get().outcome()).isEqualTo(Outcome.STREAM_BROKEN);
        assertThat(finished.get().contentChunks()).isEqualTo(1);
    }

    @Test
    void contentChunksAreCountedForAnAnswerThatEndsWithoutUsage() {
        var finished = new java.util.concurrent.atomic.AtomicReference<FinishedRequest>();
        var observation = new RequestObservation(registry, "m", true, finished::set);
        observation.engineCalled();

        relay.relay(Flux.concat(Flux.just(ROLE, HELLO, WORLD), Flux.error(new IOException("reset"))), false,
                observation, IGNORE_CHUNKS, LIMIT, ErrorCode.ENGINE_TIMEOUT).collectList().block();

        assertThat(finished.get().outcome()).isEqualTo(Outcome.STREAM_BROKEN);
        assertThat(finished.get().usage()).isEmpty();
        assertThat(finished.get().engineCalled()).isTrue();
        assertThat(finished.get().contentChunks()).isEqualTo(2);
    }

    @Test
    void clientGoingAwayCountsAsCancelledOnce() {
        var observation = new RequestObservation(registry, "m", true, finished -> finishCalls.incrementAndGet());

        List<String> firstOnly = relay.relay(Flux.just(ROLE, HELLO, WORLD, "[DONE]"), false, observation, IGNORE_CHUNKS, LIMIT, ErrorCode.ENGINE_TIMEOUT)
                .take(1).collectList().block();

        assertThat(firstOnly).containsExactly(frame(ROLE));
        assertThat(requests("cancelled")).isEqualTo(1);
        assertThat(finishCalls).hasValue(1);
    }

    private List<String> relay(Flux<String> engine, boolean clientWantsUsage) {
        var observation = new RequestObservation(registry, "m", true, finished -> finishCalls.incrementAndGet());
        return relay.relay(engine, clientWantsUsage, observation, IGNORE_CHUNKS, LIMIT, ErrorCode.ENGINE_TIMEOUT).collectList().block();
    }

    private double tokens(String tokenClass) {
        return registry.get(InferenceMetrics.TOKENS).tag("class", tokenClass).counter().count();
    }

    private double requests(String outcome) {
        var counter = registry.find(InferenceMetrics.REQUESTS).tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    private static String message(String frame) {
        return JsonMapper.shared().readTree(frame.substring("data: ".length())).path("error").path("message").asString();
    }

    private static String frame(String data) {
        return "data: " + data + "\n\n";
    }
}
