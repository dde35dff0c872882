package io.warmpath.inference;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A scriptable stand-in for a vLLM engine: the OpenAI JSON and SSE shapes, /health, /metrics and /v1/models, plus
 * the failures a cell must survive (error status, stall before the first byte, stream cut or stalled mid-way).
 */
final class StubEngine implements AutoCloseable {

    static final String MODEL = "stub-model";
    static final String UNKNOWN_MODEL = "no-such-model";

    /** How a streamed answer ends. */
    enum StreamEnding { DONE, CUT_AFTER_FIRST_TOKEN, STALL_AFTER_FIRST_TOKEN }

    record Received(String path, Headers headers, String body) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final JsonMapper json = JsonMapper.shared();
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final BlockingQueue<Received> tokenized = new LinkedBlockingQueue<>();

    volatile boolean healthy;
    volatile int running;
    volatile int waiting;
    volatile int failStatus;
    /** The message of a {@link #failStatus} answer. */
    volatile String failMessage;
    /** When set, {@link #failStatus} answers in older vLLM's flat error shape instead of the OpenAI envelope. */
    volatile boolean flatErrors;
    volatile Duration stallBeforeAnswer;
    volatile Duration stallMidStream;
    volatile StreamEnding streamEnding;
    /** When set, a stream pauses after its first token until the latch opens. */
    volatile CountDownLatch holdAfterFirstToken;
    /** When set, a request with a body over 4,000 bytes (a long prompt) is answered only once the latch opens. */
    volatile CountDownLatch holdLongPrompts;
    /** The {@code max_model_len} /v1/models reports; 0 leaves it out, as engines that do not report one do. */
    volatile int maxModelLen;
    /** What /tokenize counts, whatever the prompt. */
    volatile int tokenizeCount;
    volatile int tokenizeFailStatus;

    StubEngine() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        }
        catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(executor);
        server.createContext("/health", exchange -> respond(exchange, healthy ? 200 : 503, "text/plain", ""));
        server.createContext("/metrics", exchange -> respond(exchange, 200, "text/plain; version=0.0.4", """
                # TYPE vllm:num_requests_running gauge
                vllm:num_requests_running{model_name="%s"} %d.0
                # TYPE vllm:num_requests_waiting gauge
                vllm:num_requests_waiting{model_name="%s"} %d.0
                """.formatted(MODEL, running, MODEL, waiting)));
        server.createContext("/v1/models", exchange -> respond(exchange, 200, "application/json", """
                {"object":"list","data":[{"id":"%s","object":"model","owned_by":"stub"%s}]}""".formatted(MODEL,
                maxModelLen > 0 ? ",\"max_model_len\":" + maxModelLen : "")));
        server.createContext("/v1/chat/completions", this::complete);
        server.createContext("/v1/completions", this::complete);
        server.createContext("/tokenize", this::tokenize);
        reset();
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void reset() {
        healthy = true;
        running = 2;
        waiting = 5;
        failStatus = 0;
        failMessage = "injected";
        flatErrors = false;
        stallBeforeAnswer = Duration.ZERO;
        stallMidStream = Duration.ZERO;
        streamEnding = StreamEnding.DONE;
        holdAfterFirstToken = null;
        holdLongPrompts = null;
        maxModelLen = 8192;
        tokenizeCount = 4242;
        tokenizeFailStatus = 0;
        received.clear();
        tokenized.clear();
    }

    /** The next completion request the engine received. */
    Received nextReceived() throws InterruptedException {
        Received next = received.poll(5, TimeUnit.SECONDS);
        if (next == null) {
            throw new AssertionError("The engine received no completion request");
        }
        return next;
    }

    int receivedCount() {
        return received.size();
    }

    /** The next /tokenize request the engine received. */
    Received nextTokenized() throws InterruptedException {
        Received next = tokenized.poll(5, TimeUnit.SECONDS);
        if (next == null) {
            throw new AssertionError("The engine received no /tokenize request");
        }
        return next;
    }

    int tokenizedCount() {
        return tokenized.size();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void tokenize(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        tokenized.add(new Received(exchange.getRequestURI().getPath(), exchange.getRequestHeaders(), body));
        if (tokenizeFailStatus > 0) {
            respond(exchange, tokenizeFailStatus, "application/json", """
                    {"error":{"message":"injected","type":"BadRequestError","code":%d}}""".formatted(tokenizeFailStatus));
            return;
        }
        respond(exchange, 200, "application/json", """
                {"count":%d,"max_model_len":8192,"tokens":[]}""".formatted(tokenizeCount));
    }

    private void complete(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String path = exchange.getRequestURI().getPath();
        received.add(new Received(path, exchange.getRequestHeaders(), body));
        JsonNode request = json.readTree(body);
        if (UNKNOWN_MODEL.equals(request.path("model").asString(""))) {
            respond(exchange, 404, "application/json", """
                    {"error":{"message":"The model does not exist.","type":"NotFoundError","code":"model_not_found"}}""");
            return;
        }
        if (failStatus > 0) {
            String message = json.writeValueAsString(failMessage);
            respond(exchange, failStatus, "application/json", flatErrors ? """
                    {"object":"error","message":%s,"type":"BadRequestError","param":null,"code":%d}"""
                    .formatted(message, failStatus) : """
                    {"error":{"message":%s,"type":"InternalServerError","code":%d}}""".formatted(message, failStatus));
            return;
        }
        sleep(stallBeforeAnswer);
        CountDownLatch holdLong = holdLongPrompts;
        if (holdLong != null && body.length() > 4_000) {
            awaitQuietly(holdLong);
        }
        boolean chat = path.endsWith("/chat/completions");
        if (!request.path("stream").asBoolean(false)) {
            respond(exchange, 200, "application/json", chat ? """
                    {"id":"c1","object":"chat.completion","model":"%s","choices":[{"index":0,"message":{"role":"assistant","content":"Hello"},"finish_reason":"stop"}],"usage":{"prompt_tokens":11,"completion_tokens":2,"total_tokens":13,"prompt_tokens_details":{"cached_tokens":7}}}"""
                    .formatted(MODEL) : """
                    {"id":"c1","object":"text_completion","model":"%s","choices":[{"index":0,"text":"Hello","finish_reason":"stop"}],"usage":{"prompt_tokens":11,"completion_tokens":2,"total_tokens":13,"prompt_tokens_details":{"cached_tokens":7}}}"""
                    .formatted(MODEL));
            return;
        }
        stream(exchange, chat, request.path("stream_options").path("include_usage").asBoolean(false));
    }

    private void stream(HttpExchange exchange, boolean chat, boolean includeUsage) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            if (chat) {
                event(out, chunk(chat, "", true, false));
            }
            event(out, chunk(chat, "Hel", false, false));
            CountDownLatch hold = holdAfterFirstToken;
            if (hold != null) {
                awaitQuietly(hold);
            }
            switch (streamEnding) {
                case CUT_AFTER_FIRST_TOKEN -> {
                    return;
                }
                case STALL_AFTER_FIRST_TOKEN -> {
                    sleep(stallMidStream);
                    return;
                }
                case DONE -> {
                }
            }
            event(out, chunk(chat, "lo", false, true));
            if (includeUsage) {
                event(out, """
                        {"id":"c1","object":"chat.completion.chunk","model":"%s","choices":[],"usage":{"prompt_tokens":11,"completion_tokens":2,"total_tokens":13,"prompt_tokens_details":{"cached_tokens":7}}}"""
                        .formatted(MODEL));
            }
            event(out, "[DONE]");
        }
        catch (IOException clientLeft) {
            // The cell cancelled the stream; nothing more to send.
        }
    }

    private static String chunk(boolean chat, String text, boolean roleOnly, boolean last) {
        String finish = last ? "\"stop\"" : "null";
        if (!chat) {
            return """
                    {"id":"c1","object":"text_completion","model":"%s","choices":[{"index":0,"text":"%s","finish_reason":%s}]}"""
                    .formatted(MODEL, text, finish);
        }
        String delta = roleOnly ? "{\"role\":\"assistant\",\"content\":\"\"}" : "{\"content\":\"" + text + "\"}";
        return """
                {"id":"c1","object":"chat.completion.chunk","model":"%s","choices":[{"index":0,"delta":%s,"finish_reason":%s}]}"""
                .formatted(MODEL, delta, finish);
    }

    private static void event(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void sleep(Duration duration) {
        if (!duration.isZero()) {
            try {
                Thread.sleep(duration);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
