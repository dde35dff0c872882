package io.warmpath.inference.openai;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import io.warmpath.contracts.UsageReport;
import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Relays an engine's SSE stream to the client event by event, never buffering the response. It watches the stream
 * for the first content token and the usage chunk (for metrics), drops that usage chunk when the client did not ask
 * for it (reporting the turn's tokens to the gateway as an SSE comment instead, {@link UsageReport}), and terminates
 * honestly (an engine error event in vLLM's older flat shape is put into the OpenAI envelope):
 * a stream that ends without {@code [DONE]}, fails mid-way or outlasts the request's time limit ends with an error
 * event and no {@code [DONE]}, so a client can never mistake a truncated answer for a complete one.
 */
class StreamRelay {

    private static final Logger log = LoggerFactory.getLogger(StreamRelay.class);

    static final String DONE = "[DONE]";

    private final JsonMapper json;

    StreamRelay(JsonMapper json) {
        this.json = json;
    }

    /**
     * @param engineData       the {@code data:} payloads of the engine's events, in order
     * @param clientWantsUsage whether to forward the final usage chunk
     * @param observation      receives first token, usage and outcome
     * @param onChunk          receives each parsed chunk of the answer (a recorded turn's transcript)
     * @param timeLimit        how long the stream may still run; then the engine's stream is cancelled (which makes
     *                         vLLM abort the request) and the client's ends with a {@code timeLimitCode} event
     * @param timeLimitCode    {@code deadline_exceeded} when the limit is the client's deadline, {@code engine_timeout}
     *                         when it is the cell's own
     * @return complete SSE frames ({@code data: ...\n\n}) to write to the client
     */
    Flux<String> relay(Flux<String> engineData, boolean clientWantsUsage, RequestObservation observation,
            Consumer<JsonNode> onChunk, Duration timeLimit, ErrorCode timeLimitCode) {
        return Flux.defer(() -> {
            var stream = new StreamState(clientWantsUsage, observation, onChunk);
            // The engine connection's own read timeout is capped at the same limit, so it may fire first: an end or a
            // failure at or past the limit is the limit's, and says so.
            long limitEnds = System.nanoTime() + timeLimit.toNanos();
            return engineData
                    .takeUntilOther(Mono.delay(timeLimit).doOnNext(tick -> stream.timedOut = true))
                    .concatMapIterable(stream::onEvent)
                    .concatWith(Flux.defer(() -> {
                        if (stream.done) {
                            return Flux.empty();
                        }
                        if (stream.timedOut || System.nanoTime() >= limitEnds) {
                            return Flux.just(timeLimitFrame(stream, timeLimitCode));
                        }
                        log.warn("Engine stream ended without [DONE] after {} events", stream.events);
                        return Flux.just(errorFrame("The engine's stream ended before completion"));
                    }))
                    .onErrorResume(failure -> {
                        if (stream.done) {
                            // The answer was complete; a connection dropped after [DONE] changes nothing for the client.
                            return Flux.empty();
                        }
                        if (System.nanoTime() >= limitEnds) {
                            return Flux.just(timeLimitFrame(stream, timeLimitCode));
                        }
                        log.warn("Engine stream broke off after {} events: {}", stream.events, failure.toString());
                        return Flux.just(errorFrame("The engine's stream broke off"));
                    })
                    // Recorded before the end reaches the client, so metrics never lag behind what it saw.
                    .doOnComplete(() -> observation.finish(stream.outcome()))
                    .doOnCancel(() -> observation.finish(Outcome.CANCELLED));
        });
    }

    private String timeLimitFrame(StreamState stream, ErrorCode code) {
        if (code == ErrorCode.DEADLINE_EXCEEDED) {
            log.debug("Engine stream cut at the client's deadline after {} events", stream.events);
            return errorFrame(code, "The request's x-request-timeout-ms ran out before the engine finished; the "
                    + "answer is incomplete");
        }
        log.warn("Engine stream cut at the request time limit after {} events", stream.events);
        return errorFrame(code, "The request reached the cell's time limit before the engine finished; the answer is "
                + "incomplete");
    }

    private String errorFrame(String message) {
        return errorFrame(ErrorCode.STREAM_BROKEN, message);
    }

    private String errorFrame(ErrorCode code, String message) {
        return frame(json.writeValueAsString(ApiError.of(code, message).body()));
    }

    private static String frame(String data) {
        // Multi-line data must keep one "data:" prefix per line to stay the same event.
        return "data: " + data.replace("\n", "\ndata: ") + "\n\n";
    }

    /** What one relayed stream has seen so far; confined to that stream's (serial) signals. */
    private final class StreamState {

        private final boolean clientWantsUsage;
        private final RequestObservation observation;
        private final Consumer<JsonNode> onChunk;
        private boolean done;
        /** Set by the time limit's timer, before the stream it ends completes. */
        private volatile boolean timedOut;
        private boolean engineReportedError;
        private int events;

        StreamState(boolean clientWantsUsage, RequestObservation observation, Consumer<JsonNode> onChunk) {
            this.clientWantsUsage = clientWantsUsage;
            this.observation = observation;
            this.onChunk = onChunk;
        }

        List<String> onEvent(String data) {
            events++;
            if (done) {
                return List.of();
            }
            if (DONE.equals(data.strip())) {
                done = true;
                return List.of(frame(data));
            }
            JsonNode chunk;
            try {
                chunk = json.readTree(data);
            }
            catch (JacksonException notJson) {
                // Not ours to judge: pass it on unchanged, it just cannot be observed.
                return List.of(frame(data));
            }
            if (EngineErrors.isError(chunk)) {
                engineReportedError = true;
                var normalised = EngineErrors.normalisedOrNull(chunk, json);
                return List.of(frame(normalised == null ? data : json.writeValueAsString(normalised)));
            }
            onChunk.accept(chunk);
            JsonNode choices = chunk.path("choices");
            if (chunk.path("usage").isObject() && choices.isEmpty()) {
                // The final usage chunk (choices: []); continuous usage on content chunks is not double counted.
                Optional<TokenUsage> usage = TokenUsage.from(chunk.get("usage"));
                usage.ifPresent(observation::usage);
                List<String> frames = new ArrayList<>(2);
                if (clientWantsUsage) {
                    frames.add(frame(data));
                }
                usage.ifPresent(used -> frames.add(UsageReport.commentFrame(used.total())));
                return frames;
            }
            if (carriesContent(choices)) {
                observation.contentChunk();
            }
            return List.of(frame(data));
        }

        Outcome outcome() {
            if (!done) {
                return Outcome.STREAM_BROKEN;
            }
            return engineReportedError ? Outcome.ENGINE_ERROR : Outcome.OK;
        }

        private static boolean carriesContent(JsonNode choices) {
            for (JsonNode choice : choices) {
                JsonNode delta = choice.path("delta");
                if (nonEmptyString(delta.path("content")) || nonEmptyString(delta.path("reasoning_content"))
                        || !delta.path("tool_calls").isEmpty() || nonEmptyString(choice.path("text"))) {
                    return true;
                }
            }
            return false;
        }

        private static boolean nonEmptyString(JsonNode node) {
            return node.isString() && !node.stringValue().isEmpty();
        }
    }
}
