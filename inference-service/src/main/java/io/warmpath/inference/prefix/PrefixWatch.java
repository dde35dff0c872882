package io.warmpath.inference.prefix;

import java.util.Optional;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.warmpath.contracts.sessions.PrefixBreak;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

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

    private final boolean enabled;
    private final Cache<String, PromptBlocks> previous;
    private final Counter compared;
    private final MeterRegistry meters;

    PrefixWatch(PrefixWatchProperties properties, MeterRegistry meters) {
        this.enabled = properties.enabled();
        this.previous = Caffeine.newBuilder().maximumSize(properties.maxSessions())
                .expireAfterAccess(properties.idle()).build();
        this.meters = meters;
        this.compared = Counter.builder("warmpath.inference.prefix.turns")
                .description("Session turns compared with the session's previous turn on this cell")
                .register(meters);
    }

    /**
     * Remembers this turn's prompt for the session and says where it broke the previous turn's prefix, if it did.
     *
     * @param tenant    the session's tenant (sessions are scoped by it)
     * @param sessionId the session
     * @param chatBody  the chat request as the client sent it
     */
    public Optional<PrefixBreak> observe(String tenant, String sessionId, JsonNode chatBody) {
        if (!enabled) {
            return Optional.empty();
        }
        PromptBlocks current = PromptBlocks.of(chatBody);
        PromptBlocks before = previous.asMap().put(tenant.length() + ":" + tenant + sessionId, current);
        if (before == null) {
            return Optional.empty();
        }
        compared.increment();
        Optional<PrefixBreak> broken = current.breakAgainst(before);
        broken.ifPresent(at -> Counter.builder("warmpath.inference.prefix.breaks")
                .description("Session turns that broke the previous turn's prefix, by the section where it broke")
                .tag("section", at.section())
                .register(meters)
                .increment());
        return broken;
    }
}
