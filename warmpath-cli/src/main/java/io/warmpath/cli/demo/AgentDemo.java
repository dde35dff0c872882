package io.warmpath.cli.demo;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.Headers;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionTool;
import com.openai.models.completions.CompletionUsage;
import io.warmpath.contracts.WarmpathHeaders;

/**
 * The scripted multi-turn agent demo, driven through the gateway with the official OpenAI Java SDK exactly as an
 * application would use it: base URL {@code <gateway>/v1}, a bearer token as API key, an
 * {@code x-session-affinity} header per session, streaming with {@code stream_options.include_usage}.
 *
 * <p>Sessions are interleaved (turn 1 of every session, then turn 2, ...). A session whose turn fails stops
 * there, since its history would otherwise diverge from what a real agent would send.
 */
public final class AgentDemo {

    /** Request header naming the session. */
    public static final String SESSION_HEADER = "x-session-affinity";
    /** Response header naming the inference cell that served the request. */
    public static final String CELL_HEADER = WarmpathHeaders.CELL;

    /**
     * The scopes the demo's token needs: inference, and {@code tools:<name>} for each tool it sends, since the
     * gateway removes from a chat request every tool the token is not scoped for.
     */
    public static List<String> requiredScopes() {
        List<String> scopes = new ArrayList<>();
        scopes.add("inference:invoke");
        AgentScript.tools().forEach(tool -> scopes.add("tools:" + tool.asFunction().function().name()));
        return List.copyOf(scopes);
    }

    private static final int MAX_ERROR_CHARS = 300;

    private final DemoSettings settings;
    private final String bearerToken;

    public AgentDemo(DemoSettings settings, String bearerToken) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.bearerToken = Objects.requireNonNull(bearerToken, "bearerToken");
    }

    /** Runs every session to its last turn (or first failure), reporting each turn to {@code onTurn} as it ends. */
    public DemoReport run(Consumer<TurnResult> onTurn) {
        OpenAIClient client = OpenAIOkHttpClient.builder()
                .baseUrl(settings.openAiBaseUrl())
                .apiKey(bearerToken)
                .timeout(settings.requestTimeout())
                // One row is one request: SDK retries would hide failures the demo exists to show.
                .maxRetries(0)
                .build();
        try {
            return run(client, onTurn);
        } finally {
            client.close();
        }
    }

    private DemoReport run(OpenAIClient client, Consumer<TurnResult> onTurn) {
        String runId = HexFormat.of().formatHex(new SecureRandom().generateSeed(3));
        List<Conversation> active = new ArrayList<>();
        for (int i = 0; i < settings.sessions(); i++) {
            active.add(new Conversation("demo-" + runId + "-" + (i + 1), AgentScript.scenario(i)));
        }
        List<ChatCompletionTool> tools = AgentScript.tools();
        List<TurnResult> results = new ArrayList<>();
        for (int turn = 1; turn <= settings.turns() && !active.isEmpty(); turn++) {
            List<Conversation> stillActive = new ArrayList<>();
            for (Conversation conversation : active) {
                TurnResult result = send(client, conversation, turn, tools);
                results.add(result);
                onTurn.accept(result);
                if (result.succeeded()) {
                    stillActive.add(conversation);
                }
            }
            active = stillActive;
        }
        return new DemoReport(settings.sessions(), settings.turns(), results);
    }

    private TurnResult send(OpenAIClient client, Conversation conversation, int turn, List<ChatCompletionTool> tools) {
        String session = conversation.affinityKey();
        long started = System.nanoTime();
        String cell = TurnResult.UNKNOWN_CELL;
        try (HttpResponseFor<StreamResponse<ChatCompletionChunk>> response = client.chat().completions()
                .withRawResponse()
                .createStreaming(conversation.nextRequest(settings.model(), settings.maxTokens(), tools))) {
            cell = cellOf(response.headers());
            StringBuilder reply = new StringBuilder();
            long ttftMillis = -1;
            CompletionUsage usage = null;
            try (StreamResponse<ChatCompletionChunk> stream = response.parse()) {
                for (ChatCompletionChunk chunk : (Iterable<ChatCompletionChunk>) stream.stream()::iterator) {
                    for (ChatCompletionChunk.Choice choice : chunk.choices()) {
                        String delta = choice.delta().content().orElse("");
                        if (!delta.isEmpty() && ttftMillis < 0) {
                            ttftMillis = (System.nanoTime() - started) / 1_000_000;
                        }
                        reply.append(delta);
                    }
                    if (chunk.usage().isPresent()) {
                        usage = chunk.usage().get();
                    }
                }
            }
            if (usage == null) {
                return TurnResult.failed(session, turn, cell, "the stream ended without a usage chunk");
            }
            conversation.recordReply(turn, reply.toString());
            long cached = usage.promptTokensDetails().flatMap(details -> details.cachedTokens()).orElse(0L);
            return TurnResult.succeeded(session, turn, cell, usage.promptTokens(), cached, usage.completionTokens(),
                    ttftMillis);
        } catch (OpenAIServiceException e) {
            return TurnResult.failed(session, turn, cellOf(e.headers()),
                    "HTTP " + e.statusCode() + " " + shorten(e.getMessage()));
        } catch (RuntimeException e) {
            // Connection refused, timeouts, a broken stream, an unparsable chunk: all end the session's run.
            return TurnResult.failed(session, turn, cell, describe(e));
        }
    }

    private static String cellOf(Headers headers) {
        return headers.values(CELL_HEADER).stream().findFirst().orElse(TurnResult.UNKNOWN_CELL);
    }

    /** The exception and its root cause (e.g. "Request failed" caused by "Connection refused"), on one line. */
    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String description = e.getClass().getSimpleName() + ": " + e.getMessage();
        if (root != e) {
            description += " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
        }
        return shorten(description);
    }

    private static String shorten(String message) {
        if (message == null) {
            return "";
        }
        String oneLine = message.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= MAX_ERROR_CHARS ? oneLine : oneLine.substring(0, MAX_ERROR_CHARS) + "...";
    }
}
