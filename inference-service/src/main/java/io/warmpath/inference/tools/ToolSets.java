package io.warmpath.inference.tools;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.warmpath.contracts.sessions.WireFormats;
import io.warmpath.inference.session.SessionBudgetClient;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Applies a session's tool set to its chat turns: the tools session-service trimmed for the session are left out,
 * the same ones on every turn, so the prompt stays cacheable and shorter. The set is asked for once per session
 * (then remembered here), with the names of the function tools the turn offers.
 *
 * <p>A turn goes untrimmed when the client sends {@code x-tool-trimming: off}, when its {@code tool_choice} names a
 * trimmed tool (or is {@code required} and would be left with none), and when the set cannot be had in time: trimming
 * saves tokens and guards nothing, so it fails open. Tools whose name is not of OpenAI's shape are never trimmed.
 * When every tool is trimmed, {@code tools} and {@code tool_choice} go altogether.
 *
 * <p>Metrics: {@code warmpath_inference_tools_trimmed_total} (tools left out of turns),
 * {@code warmpath_inference_tools_trimmed_tokens_total} (their estimated prompt tokens),
 * {@code warmpath_inference_tools_trimmed_calls_total} (answers that called a trimmed tool) and
 * {@code warmpath_inference_tools_untrimmed_total{reason}}.
 */
@Component
public class ToolSets {

    private static final Logger log = LoggerFactory.getLogger(ToolSets.class);
    private static final Pattern TOOL_NAME = Pattern.compile(WireFormats.TOOL_NAME);
    /** A quarter of the bytes, as prompt positions are estimated elsewhere in the cell. */
    private static final int BYTES_PER_TOKEN = 4;

    private final SessionBudgetClient sessions;
    private final JsonMapper json;
    private final boolean enabled;
    private final Cache<String, Set<String>> decided;
    private final MeterRegistry meters;
    private final Counter trimmed;
    private final Counter trimmedTokens;
    private final Counter trimmedCalls;

    ToolSets(SessionBudgetClient sessions, JsonMapper json, ToolTrimmingProperties properties, MeterRegistry meters) {
        this.sessions = sessions;
        this.json = json;
        this.enabled = properties.enabled();
        this.decided = Caffeine.newBuilder().maximumSize(properties.maxSessions())
                .expireAfterAccess(properties.idle()).build();
        this.meters = meters;
        this.trimmed = Counter.builder("warmpath.inference.tools.trimmed")
                .description("Tools left out of session turns by their tool set").register(meters);
        this.trimmedTokens = Counter.builder("warmpath.inference.tools.trimmed.tokens")
                .description("Estimated prompt tokens of the tools left out").register(meters);
        this.trimmedCalls = Counter.builder("warmpath.inference.tools.trimmed.calls")
                .description("Tool calls of answers to tools their turn left out").register(meters);
    }

    /** Forgets the session's tool set (a checkpoint made it to be decided again): its next turn asks for it anew. */
    public void forget(String tenant, String sessionId) {
        decided.invalidate(tenant + '\n' + sessionId);
    }

    /**
     * The turn's tools: its body as the session's tool set trims it.
     *
     * @param sessionId         the turn's session; {@code null} (no session) sends the body as it came
     * @param sessionsAssertion the request's assertion for session-service; without one, nothing is trimmed
     * @param optedOut          the client sent {@code x-tool-trimming: off}
     */
    public Mono<TurnTools> forTurn(String tenant, @Nullable String sessionId, @Nullable String sessionsAssertion,
            ObjectNode chatBody, boolean optedOut) {
        List<String> offered = offered(chatBody);
        if (!enabled || sessionId == null || sessionsAssertion == null || offered.isEmpty()) {
            return Mono.just(TurnTools.untrimmed(chatBody));
        }
        if (optedOut) {
            return Mono.just(untrimmed(chatBody, "opted_out"));
        }
        String key = tenant + '\n' + sessionId;
        Set<String> known = decided.getIfPresent(key);
        if (known != null) {
            return Mono.just(apply(chatBody, known));
        }
        return sessions.toolSet(sessionId, sessionsAssertion, offered)
                .map(set -> {
                    Set<String> names = set.trimmedNames();
                    decided.put(key, names);
                    return apply(chatBody, names);
                })
                .onErrorResume(failure -> {
                    log.warn("A session's tool set could not be had; its turn goes untrimmed: {}",
                            failure.getClass().getSimpleName());
                    return Mono.just(untrimmed(chatBody, "unavailable"));
                });
    }

    private TurnTools apply(ObjectNode chatBody, Set<String> trimmedNames) {
        if (trimmedNames.isEmpty()) {
            return TurnTools.untrimmed(chatBody);
        }
        ArrayNode kept = json.createArrayNode();
        int removed = 0;
        long removedBytes = 0;
        for (JsonNode tool : chatBody.get("tools").values()) {
            String name = functionName(tool);
            if (name != null && trimmedNames.contains(name)) {
                removed++;
                removedBytes += json.writeValueAsBytes(tool).length;
            } else {
                kept.add(tool);
            }
        }
        if (removed == 0) {
            return TurnTools.untrimmed(chatBody);
        }
        JsonNode choice = chatBody.get("tool_choice");
        String chosen = choice != null && choice.isObject() ? functionName(choice) : null;
        boolean required = choice != null && choice.isString() && "required".equals(choice.stringValue());
        if (chosen != null && trimmedNames.contains(chosen) || required && kept.isEmpty()) {
            return untrimmed(chatBody, "tool_choice");
        }
        ObjectNode body = chatBody.deepCopy();
        if (kept.isEmpty()) {
            body.remove("tools");
            body.remove("tool_choice");
        } else {
            body.set("tools", kept);
        }
        long tokens = removedBytes / BYTES_PER_TOKEN;
        trimmed.increment(removed);
        trimmedTokens.increment(tokens);
        // A client may repeat a tool: what is reported stays within what a turn may offer.
        return new TurnTools(body, true, trimmedNames, Math.min(removed, WireFormats.MAX_TOOLS),
                Math.min(tokens, WireFormats.MAX_TOKENS_PER_REQUEST), trimmedCalls);
    }

    private TurnTools untrimmed(ObjectNode chatBody, String reason) {
        Counter.builder("warmpath.inference.tools.untrimmed")
                .description("Session turns with tools sent untrimmed, by why").tag("reason", reason)
                .register(meters).increment();
        return TurnTools.untrimmed(chatBody);
    }

    /** The names of the function tools offered, each once, in order; names of another shape are left out. */
    private static List<String> offered(ObjectNode chatBody) {
        JsonNode tools = chatBody.get("tools");
        if (tools == null || !tools.isArray()) {
            return List.of();
        }
        Set<String> names = new LinkedHashSet<>();
        for (JsonNode tool : tools.values()) {
            String name = functionName(tool);
            if (name != null && TOOL_NAME.matcher(name).matches() && names.size() < WireFormats.MAX_TOOLS) {
                names.add(name);
            }
        }
        return new ArrayList<>(names);
    }

    /** {@code {"type": "function", "function": {"name": n}}}'s n (a named tool_choice has the same shape). */
    private static @Nullable String functionName(JsonNode tool) {
        JsonNode name = tool.path("function").path("name");
        return name.isString() ? name.stringValue() : null;
    }
}
