package io.warmpath.inference.context;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.warmpath.contracts.CanonicalJson;
import io.warmpath.contracts.assertion.Assertion;
import io.warmpath.contracts.sessions.Checkpoint;
import io.warmpath.contracts.sessions.CheckpointUse;
import io.warmpath.contracts.sessions.SessionContext;
import io.warmpath.inference.CellProperties;
import io.warmpath.inference.session.SessionBudgetClient;
import io.warmpath.inference.tools.ToolSets;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Summarization checkpoints for sessions whose {@code context_policy} is {@code checkpoint}.
 *
 * <p><b>Applying.</b> A turn whose history starts with exactly the messages the session's checkpoint covers (by
 * their chained hashes, {@link ChatHistory}) reaches the engine as its instructions, one system message with the
 * summary, and the rest of its history: the same bytes on every later turn, so that prefix caches anew. A turn whose
 * history does not start with them (the client edited or dropped history) goes as sent, and the mismatch is counted.
 *
 * <p><b>Making.</b> When a turn, as it would reach the engine, takes {@code threshold} of the session's
 * {@code max_context_tokens} (by a third of its bytes, which overcounts rather than under), the cell summarizes the
 * history up to the session's last {@code keep-turns} turns (from the current checkpoint's summary on, when the turn
 * matches it) in the background, once per session at a time, and stores the checkpoint with session-service (which
 * keeps the first of two made from the same state). A turn at 95% of the limit or more waits for it, at most
 * {@code timeout}. A checkpoint covers only messages this turn's client sent.
 *
 * <p>Anything that fails here (session-service, the summarizer) leaves the turn as sent: the session's context limit
 * then refuses what does not fit, as {@code refuse} would.
 */
@Component
public class SessionCheckpoints {

    private static final Logger log = LoggerFactory.getLogger(SessionCheckpoints.class);
    /** Tokens removed are reported as elsewhere in the cell: a quarter of the bytes. */
    private static final int BYTES_PER_TOKEN = 4;
    /**
     * Whether a turn nears its limit is judged on a third of its bytes: rather too many tokens than too few, since
     * a turn judged to fit that does not is refused (a quarter undercounts plain English by some 15% on o200k).
     */
    private static final int BYTES_PER_TOKEN_AT_MOST = 3;
    /** The share of the limit from which a turn waits for its checkpoint rather than risk a refusal. */
    private static final double WAIT_AT = 0.95;

    private final SessionBudgetClient sessions;
    private final ToolSets toolSets;
    private final CheckpointArtifacts artifacts;
    private final CheckpointProperties properties;
    private final @Nullable Summarizer summarizer;
    private final Cache<String, SessionContext> contexts;
    private final Map<String, Mono<Checkpoint>> making = new ConcurrentHashMap<>();
    private final Counter made;
    private final Counter failed;
    private final Counter applied;
    private final Counter mismatched;

    @Autowired
    SessionCheckpoints(SessionBudgetClient sessions, ToolSets toolSets, CheckpointProperties properties,
            CellProperties cell, JsonMapper json, MeterRegistry meters) {
        this(sessions, toolSets, new CheckpointArtifacts(properties.artifactsUrl(), cell.id(), properties.timeout(),
                json), properties, summarizerOf(properties), meters);
    }

    SessionCheckpoints(SessionBudgetClient sessions, ToolSets toolSets, CheckpointArtifacts artifacts,
            CheckpointProperties properties, @Nullable Summarizer summarizer, MeterRegistry meters) {
        this.toolSets = toolSets;
        this.sessions = sessions;
        this.artifacts = artifacts;
        this.properties = properties;
        this.summarizer = summarizer;
        this.contexts = Caffeine.newBuilder().maximumSize(properties.maxSessions())
                .expireAfterAccess(properties.idle()).build();
        this.made = counter(meters, "made", "Checkpoints this cell made and stored");
        this.failed = counter(meters, "failed", "Checkpoints this cell failed to make or store");
        this.applied = counter(meters, "applied", "Turns sent with their session's checkpoint");
        this.mismatched = counter(meters, "mismatched", "Turns whose history did not match their checkpoint");
    }

    /**
     * The turn's checkpoint: its body as the engine gets it.
     *
     * @param sessionsAssertion    the request's assertion for session-service; without one, the turn goes as sent
     * @param checkpointsAssertion the request's assertion for storing checkpoints at artifact-service, if any
     * @param policyAssertion      the request's assertion for policy-service, which artifact-service checks with
     */
    public Mono<CheckpointTurn> forTurn(Assertion assertion, @Nullable String sessionsAssertion,
            @Nullable String checkpointsAssertion, @Nullable String policyAssertion, ObjectNode chatBody) {
        String sessionId = assertion.session();
        if (!properties.enabled() || sessionId == null || !assertion.sessionLimited() || sessionsAssertion == null) {
            return Mono.just(CheckpointTurn.none(chatBody));
        }
        String key = assertion.tenant() + "\n" + sessionId;
        SessionContext known = contexts.getIfPresent(key);
        Mono<SessionContext> context = known != null ? Mono.just(known)
                : sessions.context(sessionId, sessionsAssertion).doOnNext(fetched -> contexts.put(key, fetched));
        return context
                .flatMap(session -> turn(key, new Assertions(assertion, sessionsAssertion, checkpointsAssertion,
                        policyAssertion), chatBody, session))
                .onErrorResume(failure -> {
                    log.warn("A session's checkpoint could not be had; its turn goes as sent: {}",
                            failure.getClass().getSimpleName());
                    return Mono.just(CheckpointTurn.none(chatBody));
                });
    }

    /** The turn's assertion and those it came with for its calls about the checkpoint. */
    private record Assertions(Assertion turn, String sessions, @Nullable String checkpoints, @Nullable String policy) {
    }

    private Mono<CheckpointTurn> turn(String key, Assertions assertions, ObjectNode chatBody, SessionContext session) {
        if (!session.checkpoints()) {
            return Mono.just(CheckpointTurn.none(chatBody));
        }
        ChatHistory history = ChatHistory.of(chatBody);
        CheckpointTurn turn = apply(chatBody, history, session.checkpoint());
        long tokens = estimate(turn.body());
        long limit = session.maxContextTokens();
        if (summarizer == null || tokens < properties.threshold() * limit) {
            return Mono.just(turn);
        }
        Mono<Checkpoint> next = next(key, assertions, history, session);
        if (tokens < WAIT_AT * limit) {
            // Ready for a later turn: this one fits as it is.
            next.subscribe(stored -> { }, failure -> { });
            return Mono.just(turn);
        }
        return next.map(stored -> apply(chatBody, history, stored))
                .timeout(properties.timeout())
                .onErrorReturn(turn)
                .defaultIfEmpty(turn);
    }

    private CheckpointTurn apply(ObjectNode chatBody, ChatHistory history, @Nullable Checkpoint checkpoint) {
        if (checkpoint == null) {
            return CheckpointTurn.none(chatBody);
        }
        int covered = checkpoint.coveredMessages();
        if (!history.startsWith(covered, String.valueOf(checkpoint.coveredHash()))) {
            mismatched.increment();
            return new CheckpointTurn(chatBody, new CheckpointUse(false, true, 0), 0);
        }
        long coveredBytes = 0;
        for (int i = 0; i < covered; i++) {
            coveredBytes += CanonicalJson.of(history.history().get(i)).getBytes(StandardCharsets.UTF_8).length;
        }
        String summary = String.valueOf(checkpoint.summary());
        long summaryBytes = ChatHistory.summaryMessage(summary).getBytes(StandardCharsets.UTF_8).length;
        applied.increment();
        return new CheckpointTurn(history.withSummary(chatBody, covered, summary),
                new CheckpointUse(true, false, Math.max(0, coveredBytes - summaryBytes) / BYTES_PER_TOKEN), covered);
    }

    /** The session's next checkpoint, made once at a time per session; empty when there is nothing more to cover. */
    private Mono<Checkpoint> next(String key, Assertions assertions, ChatHistory history, SessionContext session) {
        Checkpoint current = session.checkpoint();
        boolean onCurrent = current != null
                && history.startsWith(current.coveredMessages(), String.valueOf(current.coveredHash()));
        int from = onCurrent ? current.coveredMessages() : 0;
        int covered = history.coverableKeeping(properties.keepTurns());
        if (covered <= from || current != null && covered <= current.coveredMessages()) {
            return Mono.empty();
        }
        Summarizer writer = summarizer;
        return making.computeIfAbsent(key, ignored -> Mono.fromCallable(() -> writer.summarize(
                        onCurrent ? current.summary() : null, history.history().subList(from, covered)))
                .subscribeOn(Schedulers.boundedElastic())
                .map(summary -> {
                    String text = bounded(summary.text());
                    return new Checkpoint(covered, history.hashOf(covered), text, text.length() / BYTES_PER_TOKEN,
                            summary.usage(), null, current == null ? 0 : current.coveredMessages(), null);
                })
                .flatMap(made -> artifacts.store(assertions.turn(), assertions.checkpoints(), assertions.policy(),
                                made)
                        .map(artifactId -> new Checkpoint(made.coveredMessages(), made.coveredHash(), made.summary(),
                                made.summaryTokens(), made.summaryUsage(), artifactId, made.previousCovered(), null))
                        .defaultIfEmpty(made))
                .flatMap(made -> sessions.storeCheckpoint(String.valueOf(assertions.turn().session()),
                        assertions.sessions(), made))
                .doOnNext(stored -> {
                    made.increment();
                    // session-service decides the session's tool set again after a checkpoint.
                    toolSets.forget(String.valueOf(assertions.turn().tenant()),
                            String.valueOf(assertions.turn().session()));
                    contexts.put(key, new SessionContext(session.contextPolicy(), session.maxContextTokens(), stored));
                })
                .doOnError(failure -> {
                    failed.increment();
                    log.warn("A session's checkpoint could not be made: {}", failure.getClass().getSimpleName());
                })
                .doFinally(signal -> making.remove(key))
                .cache());
    }

    /** A summarizer when there is somewhere to ask with something to ask with; without one no checkpoint is made. */
    private static @Nullable Summarizer summarizerOf(CheckpointProperties properties) {
        return properties.baseUrl() == null || properties.apiKey() == null || properties.apiKey().isBlank() ? null
                : new ChatClientSummarizer(properties);
    }

    private static String bounded(String summary) {
        return summary.length() <= Checkpoint.MAX_SUMMARY_CHARS ? summary
                : summary.substring(0, Checkpoint.MAX_SUMMARY_CHARS);
    }

    /** At most about how many prompt tokens the body takes: a third of its messages' and tools' canonical bytes. */
    private static long estimate(ObjectNode body) {
        long bytes = 0;
        for (JsonNode message : body.path("messages")) {
            bytes += CanonicalJson.of(message).getBytes(StandardCharsets.UTF_8).length;
        }
        for (JsonNode tool : body.path("tools")) {
            bytes += CanonicalJson.of(tool).getBytes(StandardCharsets.UTF_8).length;
        }
        return bytes / BYTES_PER_TOKEN_AT_MOST;
    }

    private static Counter counter(MeterRegistry meters, String outcome, String description) {
        return Counter.builder("warmpath.inference.checkpoints").tag("outcome", outcome).description(description)
                .register(meters);
    }
}
