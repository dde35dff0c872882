package io.warmpath.session.tools;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.warmpath.contracts.Ids;
import io.warmpath.contracts.errors.ApiErrorException;
import io.warmpath.contracts.sessions.ToolSet;
import io.warmpath.contracts.sessions.ToolUse;
import io.warmpath.session.redis.RedisKeys;
import io.warmpath.session.redis.SessionScripts;
import io.warmpath.session.sessions.SessionRecord;
import io.warmpath.session.sessions.Sessions;
import io.warmpath.session.web.Errors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Service;

/**
 * Tool-schema trimming: each workflow's record of which tools its turns called, and each session's trimmed tool set.
 *
 * <p>A workflow (of a tenant) counts its turns that offered tools ({@code n}) and marks each tool its answers called
 * with the count at that turn. A tool is <em>stale</em> when the workflow has not called it in its last
 * {@code window} turns that offered tools, or never has; nothing is stale before the workflow has had {@code window}
 * such turns, so a new workflow, or a new deployment, trims nothing until it has been watched for a whole window.
 *
 * <p>A session's tool set is decided by its first turn that offers tools: the stale tools among those offered are
 * trimmed from that turn and every later one, and the decision is stored with the session (first writer wins), so
 * that every cell sends the engine the same tools and trimming never breaks the cached prefix. Tools offered later
 * for the first time are not trimmed. The decision holds until {@link #redecide} (a checkpoint): tools the session
 * called meanwhile, trimmed ones among them, are no longer stale then and come back. Sessions without a workflow,
 * and tenants with trimming off, trim nothing.
 */
@Service
public class ToolTrimming {

    private static final Logger log = LoggerFactory.getLogger(ToolTrimming.class);

    private static final RedisScript<String> TOOL_SET = SessionScripts.load("tool_set", String.class);
    private static final RedisScript<Long> WORKFLOW_TOOLS = SessionScripts.load("workflow_tools", Long.class);
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final StringRedisTemplate redis;
    private final SessionScripts scripts;
    private final ToolTrimmingProperties properties;
    private final Counter decisions;
    private final Counter trimmedTools;
    private final Counter recordFailures;

    ToolTrimming(StringRedisTemplate redis, SessionScripts scripts, ToolTrimmingProperties properties,
            MeterRegistry meters) {
        this.redis = redis;
        this.scripts = scripts;
        this.properties = properties;
        this.decisions = Counter.builder("warmpath.session.tool.sets")
                .description("Sessions whose tool set was decided").register(meters);
        this.trimmedTools = Counter.builder("warmpath.session.tool.sets.trimmed")
                .description("Tools trimmed from the tool sets decided").register(meters);
        this.recordFailures = Counter.builder("warmpath.session.tool.use.failures")
                .description("Turns whose tool calls could not be added to their workflow's record").register(meters);
    }

    /**
     * The session's trimmed tools: the stored decision, or, on its first turn with tools since the last checkpoint,
     * the one made now from {@code offered}; a 404 when the tenant has no such session.
     */
    public ToolSet toolSet(String tenant, String sessionId, List<String> offered) {
        if (!Ids.isValid(Sessions.ID_PREFIX, sessionId)) {
            throw new ApiErrorException(Errors.sessionNotFound());
        }
        List<Object> session = redis.opsForHash().multiGet(RedisKeys.session(sessionId), List.<Object>of("t", "w", SessionRecord.TRIMMED_TOOLS));
        if (!tenant.equals(session.get(0))) {
            throw new ApiErrorException(Errors.sessionNotFound());
        }
        if (session.get(2) != null) {
            return decoded((String) session.get(2));
        }
        List<String> candidate = stale(tenant, (String) session.get(1), offered);
        String stored = scripts.run(TOOL_SET, tenant, List.of(RedisKeys.session(sessionId)), sessionId,
                SessionRecord.trimmedToolsField(candidate));
        if (stored == null) {
            throw new ApiErrorException(Errors.sessionNotFound());
        }
        if (stored.equals(SessionRecord.trimmedToolsField(candidate))) {
            decisions.increment();
            trimmedTools.increment(candidate.size());
        }
        return decoded(stored);
    }

    /** Clears the session's decision: its next turn with tools decides again (after a checkpoint). */
    public void redecide(String sessionId) {
        redis.opsForHash().delete(RedisKeys.session(sessionId), SessionRecord.TRIMMED_TOOLS);
    }

    /** The session's tool set as decided, and the tokens it saved. */
    public ToolSetReport report(String sessionId) {
        List<Object> fields = redis.opsForHash().multiGet(RedisKeys.session(sessionId), List.<Object>of(SessionRecord.TRIMMED_TOOLS,
                SessionRecord.TRIMMED_TOKENS));
        Object decision = fields.get(0);
        return new ToolSetReport(decision != null, decision == null ? List.of() : decoded((String) decision).trimmed(),
                count(fields.get(1)));
    }

    /**
     * Adds a served turn's tool use to its session's workflow. Best effort: the turn's usage is already in the
     * ledger, and a lost mark only keeps a tool trimmed (or untrimmed) one window longer.
     */
    public void recordUse(String tenant, String sessionId, @Nullable ToolUse use) {
        if (use == null || !use.offered() && use.called().isEmpty()) {
            return;
        }
        try {
            Object workflow = redis.opsForHash().get(RedisKeys.session(sessionId), "w");
            if (workflow == null) {
                return;
            }
            List<Object> args = new ArrayList<>();
            args.add(use.offered() ? "1" : "0");
            args.add(properties.keep().toMillis());
            args.addAll(new LinkedHashSet<>(use.called()));
            scripts.run(WORKFLOW_TOOLS, tenant, List.of(workflowKey(tenant, (String) workflow)), args.toArray());
        } catch (DataAccessException failed) {
            recordFailures.increment();
            log.warn("A turn's tool calls could not be added to its workflow's record: {}",
                    failed.getClass().getSimpleName());
        }
    }

    /** The offered tools the workflow has not called within its window, in the order offered. */
    private List<String> stale(String tenant, @Nullable String workflow, List<String> offered) {
        if (workflow == null || !properties.appliesTo(tenant) || offered.isEmpty()) {
            return List.of();
        }
        Set<String> names = new LinkedHashSet<>(offered);
        List<Object> fields = new ArrayList<>(names.size() + 1);
        fields.add("n");
        names.forEach(name -> fields.add("c:" + name));
        List<Object> values = redis.opsForHash().multiGet(workflowKey(tenant, workflow), fields);
        long turns = count(values.getFirst());
        if (turns < properties.window()) {
            return List.of();
        }
        List<String> stale = new ArrayList<>();
        int i = 1;
        for (String name : names) {
            Object lastCalled = values.get(i++);
            if (lastCalled == null || turns - count(lastCalled) >= properties.window()) {
                stale.add(name);
            }
        }
        return stale;
    }

    private static String workflowKey(String tenant, String workflow) {
        String material = tenant.length() + ":" + tenant + workflow;
        return RedisKeys.workflowTools(BASE64URL.encodeToString(Ids.sha256().digest(
                material.getBytes(StandardCharsets.UTF_8))));
    }

    private static ToolSet decoded(String stored) {
        return new ToolSet(SessionRecord.trimmedTools(stored));
    }

    private static long count(@Nullable Object value) {
        return value == null ? 0 : Long.parseLong(value.toString());
    }
}
