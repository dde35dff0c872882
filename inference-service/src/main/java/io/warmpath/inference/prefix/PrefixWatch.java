package io.warmpath.inference.prefix;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.warmpath.contracts.CanonicalJson;
import io.warmpath.contracts.sessions.PrefixBreak;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Compares each session's chat turn with the previous turn this cell served for it ({@link PromptBlocks}: hashes, no
 * text), and says where a turn broke the prefix inside what the previous one sent: a changed system prompt, a
 * reordered or changed tool, edited or dropped history. The engine's prefix cache is this cell's, so this cell's own
 * memory of the session is the right one to compare with: a session that moved here has no previous turn here, and
 * is not compared (its cache here is cold anyway).
 *
 * <p>Metrics: {@code warmpath_inference_prefix_turns_total} (turns compared) and
 * {@code warmpath_inference_prefix_breaks_total{section}}.
 */
@Component
public class PrefixWatch {

    /** Prompts of more blocks than this (thousands of messages) are neither compared nor remembered. */
    static final int MAX_BLOCKS_PER_PROMPT = 4096;

    private final PrefixWatchProperties properties;
    private final boolean enabled;
    private final Cache<String, PromptBlocks> previous;
    private final Counter compared;
    private final MeterRegistry meters;

    PrefixWatch(PrefixWatchProperties properties, MeterRegistry meters) {
        this.properties = properties;
        this.enabled = properties.enabled();
        this.previous = Caffeine.newBuilder().maximumWeight(properties.maxBlocks())
                .weigher((String session, PromptBlocks blocks) -> blocks.blocks().size() + 1)
                .expireAfterAccess(properties.idle()).build();
        this.meters = meters;
        this.compared = Counter.builder("warmpath.inference.prefix.turns")
                .description("Session turns compared with the session's previous turn on this cell")
                .register(meters);
    }

    /**
     * The chat body with byte-stable tools, so that a client that varies what has no meaning does not break the cached
     * prefix: each tool's members in sorted order, and for a session, the tools it sent before in the order it first
     * sent them, then new ones in the order sent. Only member and tool order change, never text; the body passed in
     * is left alone. A tenant in {@code stable-tools-off-for} (or {@code stable-tools: false}) gets its body back.
     *
     * @param sessionId the session, or {@code null} for a request without one (members sorted only)
     */
    public ObjectNode stableTools(String tenant, @Nullable String sessionId, ObjectNode chatBody) {
        JsonNode tools = chatBody.get("tools");
        if (!properties.stableTools() || properties.stableToolsOffFor().contains(tenant) || tools == null
                || !tools.isArray() || tools.isEmpty()) {
            return chatBody;
        }
        List<JsonNode> sorted = new ArrayList<>(tools.size());
        tools.values().forEach(tool -> sorted.add(CanonicalJson.sortedKeys(tool)));
        PromptBlocks before = sessionId == null || !enabled ? null : previous.getIfPresent(key(tenant, sessionId));
        if (before != null) {
            List<Long> firstSeen = before.toolHashes();
            // Stable: tools seen before by their place then, new ones after them in the order they came.
            sorted.sort(Comparator.comparingInt(tool -> {
                int place = firstSeen.indexOf(PromptBlocks.toolHash(tool));
                return place < 0 ? Integer.MAX_VALUE : place;
            }));
        }
        ObjectNode stable = chatBody.deepCopy();
        ArrayNode stableTools = stable.putArray("tools");
        sorted.forEach(stableTools::add);
        return stable;
    }

    /**
     * Says where this turn broke the session's previous turn on this cell, if it did. Nothing is remembered yet: a turn
     * the cell refuses (a budget, a region, the engine) must not become the previous one, since the engine's cache
     * still holds the turn before; {@link Observed#remember()} makes it the previous turn once it was served.
     *
     * @param tenant    the session's tenant (sessions are scoped by it)
     * @param sessionId the session
     * @param chatBody  the chat request as it goes to the engine
     */
    public Observed observe(String tenant, String sessionId, JsonNode chatBody) {
        if (!enabled) {
            return Observed.NONE;
        }
        PromptBlocks current = PromptBlocks.of(chatBody);
        if (current.blocks().size() > MAX_BLOCKS_PER_PROMPT) {
            return Observed.NONE;
        }
        String key = key(tenant, sessionId);
        Runnable remember = () -> previous.put(key, current);
        PromptBlocks before = previous.getIfPresent(key);
        if (before == null) {
            return new Observed(null, remember);
        }
        compared.increment();
        PrefixBreak broken = current.breakAgainst(before).orElse(null);
        if (broken != null) {
            Counter.builder("warmpath.inference.prefix.breaks")
                    .description("Session turns that broke the previous turn's prefix, by the section where it broke")
                    .tag("section", broken.section())
                    .register(meters)
                    .increment();
        }
        return new Observed(broken, remember);
    }

    /**
     * What {@link #observe} found.
     *
     * @param prefixBreak where the turn broke the previous turn's prefix; {@code null} when it did not
     * @param remember    makes the turn the session's previous one; run it once the turn was served
     */
    public record Observed(@Nullable PrefixBreak prefixBreak, Runnable remember) {

        /** Nothing found, nothing to remember. */
        public static final Observed NONE = new Observed(null, () -> { });
    }

    private static String key(String tenant, String sessionId) {
        return tenant.length() + ":" + tenant + sessionId;
    }
}
