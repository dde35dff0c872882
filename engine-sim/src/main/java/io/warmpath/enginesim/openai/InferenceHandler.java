package io.warmpath.enginesim.openai;

import io.warmpath.enginesim.engine.GenerationRequest;
import io.warmpath.enginesim.engine.GenerationResult;
import io.warmpath.enginesim.engine.SimulatedEngine;
import io.warmpath.enginesim.openai.OpenAiBodies.AssistantMessage;
import io.warmpath.enginesim.openai.OpenAiBodies.ChatChoice;
import io.warmpath.enginesim.openai.OpenAiBodies.ChatChunk;
import io.warmpath.enginesim.openai.OpenAiBodies.ChatCompletion;
import io.warmpath.enginesim.openai.OpenAiBodies.ChunkChoice;
import io.warmpath.enginesim.openai.OpenAiBodies.Delta;
import io.warmpath.enginesim.openai.OpenAiBodies.FunctionCall;
import io.warmpath.enginesim.openai.OpenAiBodies.TextChoice;
import io.warmpath.enginesim.openai.OpenAiBodies.TextCompletion;
import io.warmpath.enginesim.openai.OpenAiBodies.ToolCall;
import io.warmpath.enginesim.openai.OpenAiBodies.ToolCallDelta;
import io.warmpath.enginesim.openai.OpenAiBodies.Usage;
import io.warmpath.enginesim.tokens.GeneratedText;
import io.warmpath.enginesim.tokens.OutputGenerator;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.MediaType;
import org.springframework.http.ReactiveHttpOutputMessage;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.BodyInserter;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/** {@code POST /v1/chat/completions} and {@code POST /v1/completions}, JSON or SSE. */
@Component
final class InferenceHandler {

    private final RequestParser parser;
    private final SimulatedEngine engine;
    private final OutputGenerator outputGenerator;

    InferenceHandler(RequestParser parser, SimulatedEngine engine, OutputGenerator outputGenerator) {
        this.parser = parser;
        this.engine = engine;
        this.outputGenerator = outputGenerator;
    }

    Mono<ServerResponse> chatCompletions(ServerRequest request) {
        return handle(request, parser::parseChat, ChatExchange::new);
    }

    Mono<ServerResponse> completions(ServerRequest request) {
        return handle(request, parser::parseCompletion, CompletionExchange::new);
    }

    private Mono<ServerResponse> handle(ServerRequest request, Function<String, InferenceRequest> parse,
                                        ExchangeFactory exchanges) {
        return request.bodyToMono(String.class)
                .defaultIfEmpty("")
                // Tokenising long prompts is CPU work: keep it off the Netty event loop.
                .publishOn(Schedulers.parallel())
                .map(parse)
                .flatMap(parsed -> respond(parsed, exchanges))
                .onErrorResume(OpenAiErrors::toResponse);
    }

    private Mono<ServerResponse> respond(InferenceRequest parsed, ExchangeFactory exchanges) {
        GeneratedText text = parsed.toolCall() != null
                ? null
                : outputGenerator.generate(OutputGenerator.seedOf(parsed.promptTokens()), parsed.maxTokens());
        EngineCall call = EngineCall.start(engine,
                new GenerationRequest(parsed.promptTokens(), parsed.maxTokens(), parsed.cacheSalt()));
        if (call.injectedFailure() != null) {
            return OpenAiErrors.toResponse(call.injectedFailure());
        }
        Exchange exchange = exchanges.create(parsed, text, Long.toHexString(ThreadLocalRandom.current().nextLong()),
                System.currentTimeMillis() / 1000);
        if (!parsed.stream()) {
            return call.result().flatMap(result -> ServerResponse.ok()
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(OpenAiJson.write(exchange.whole(result))));
        }
        Flux<SseFrame> frames = call.events().concatMapIterable(event -> switch (event) {
            case EngineCall.Token token -> SseFrame.data(exchange.tokenChunks(token.index()));
            case EngineCall.Done done -> {
                List<SseFrame> closing = new ArrayList<>(SseFrame.data(exchange.closingChunks(done.result())));
                closing.add(SseFrame.DONE);
                yield closing;
            }
            case EngineCall.Cut cut -> List.of(new SseFrame.Abort(cut.cause()));
        });
        return ServerResponse.ok().contentType(MediaType.TEXT_EVENT_STREAM).body(serverSentEvents(frames));
    }

    /**
     * Writes each frame as one flushed {@code data: ...\n\n} event. An abort frame becomes an error only when
     * its turn comes, after every earlier frame has been handed to the connection; the server then aborts the
     * connection, so the client sees a broken stream (no [DONE], no terminating chunk), never a clean end.
     */
    private static BodyInserter<Flux<SseFrame>, ReactiveHttpOutputMessage> serverSentEvents(Flux<SseFrame> frames) {
        return (message, context) -> message.writeAndFlushWith(frames.map(frame -> switch (frame) {
            case SseFrame.Data data -> Mono.just(message.bufferFactory().wrap(data.bytes()));
            case SseFrame.Abort abort -> Mono.<DataBuffer>error(abort.cause());
        }));
    }

    /** One server-sent event to write, or the point where the stream must break. */
    private sealed interface SseFrame {

        SseFrame DONE = new Data("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));

        static List<SseFrame> data(List<String> jsons) {
            return jsons.stream()
                    .<SseFrame>map(json -> new Data(("data: " + json + "\n\n").getBytes(StandardCharsets.UTF_8)))
                    .toList();
        }

        record Data(byte[] bytes) implements SseFrame {
        }

        record Abort(RuntimeException cause) implements SseFrame {
        }
    }

    @FunctionalInterface
    private interface ExchangeFactory {
        Exchange create(InferenceRequest request, GeneratedText text, String id, long created);
    }

    /** Builds the response bodies of one request. */
    private interface Exchange {
        Object whole(GenerationResult result);

        List<String> tokenChunks(int index);

        List<String> closingChunks(GenerationResult result);
    }

    private record ChatExchange(InferenceRequest request, GeneratedText text, String id, long created)
            implements Exchange {

        private String chatId() {
            return "chatcmpl-" + id;
        }

        @Override
        public Object whole(GenerationResult result) {
            AssistantMessage message = request.toolCall() == null
                    ? new AssistantMessage("assistant", text.text(), List.of())
                    : new AssistantMessage("assistant", null, List.of(toolCall()));
            return new ChatCompletion(chatId(), "chat.completion", created, request.model(),
                    List.of(new ChatChoice(0, message, null, finishReason())), usage(result));
        }

        @Override
        public List<String> tokenChunks(int index) {
            if (request.toolCall() != null) {
                if (index > 0) {
                    return List.of(); // the whole call goes out with the first token
                }
                ToolCall call = toolCall();
                return List.of(chunk(new Delta("assistant", null, null)),
                        chunk(new Delta(null, null, List.of(new ToolCallDelta(0, call.id(), call.type(), call.function())))));
            }
            String piece = text.pieces().get(index);
            return index == 0
                    ? List.of(chunk(new Delta("assistant", "", null)), chunk(new Delta(null, piece, null)))
                    : List.of(chunk(new Delta(null, piece, null)));
        }

        @Override
        public List<String> closingChunks(GenerationResult result) {
            String finish = OpenAiJson.write(new ChatChunk(chatId(), "chat.completion.chunk", created, request.model(),
                    List.of(new ChunkChoice(0, new Delta(null, null, null), null, finishReason())), null));
            if (!request.includeUsage()) {
                return List.of(finish);
            }
            return List.of(finish, OpenAiJson.write(new ChatChunk(chatId(), "chat.completion.chunk", created,
                    request.model(), List.of(), usage(result))));
        }

        private String chunk(Delta delta) {
            return OpenAiJson.write(new ChatChunk(chatId(), "chat.completion.chunk", created, request.model(),
                    List.of(new ChunkChoice(0, delta, null, null)), null));
        }

        private ToolCall toolCall() {
            PlannedToolCall planned = request.toolCall();
            return new ToolCall(planned.id(), "function", new FunctionCall(planned.name(), planned.arguments()));
        }

        private String finishReason() {
            return request.toolCall() != null ? "tool_calls" : request.textFinishReason();
        }
    }

    private record CompletionExchange(InferenceRequest request, GeneratedText text, String id, long created)
            implements Exchange {

        private String completionId() {
            return "cmpl-" + id;
        }

        @Override
        public Object whole(GenerationResult result) {
            return new TextCompletion(completionId(), "text_completion", created, request.model(),
                    List.of(new TextChoice(0, text.text(), null, request.textFinishReason())), usage(result));
        }

        @Override
        public List<String> tokenChunks(int index) {
            return List.of(chunk(text.pieces().get(index), null));
        }

        @Override
        public List<String> closingChunks(GenerationResult result) {
            String finish = chunk("", request.textFinishReason());
            if (!request.includeUsage()) {
                return List.of(finish);
            }
            return List.of(finish, OpenAiJson.write(new TextCompletion(completionId(), "text_completion", created,
                    request.model(), List.of(), usage(result))));
        }

        private String chunk(String piece, String finishReason) {
            return OpenAiJson.write(new TextCompletion(completionId(), "text_completion", created, request.model(),
                    List.of(new TextChoice(0, piece, null, finishReason)), null));
        }
    }

    private static Usage usage(GenerationResult result) {
        return Usage.of(result.promptTokens(), result.cachedTokens(), result.completionTokens());
    }
}
