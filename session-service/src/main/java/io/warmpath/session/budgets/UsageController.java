package io.warmpath.session.budgets;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import io.warmpath.session.Usd;
import io.warmpath.session.context.Checkpoints;
import io.warmpath.session.redis.RedisKeys;
import io.warmpath.session.tools.ToolSetReport;
import io.warmpath.session.tools.ToolTrimming;
import io.warmpath.session.sessions.Budgets;
import io.warmpath.session.sessions.Ledger;
import io.warmpath.session.sessions.SessionRecord;
import io.warmpath.session.sessions.Sessions;
import io.warmpath.session.web.Tenant;
import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /v1/sessions/{id}/usage}: the session's ledger, its cache hit ratio, TTFT p50/p95 and what is left. */
@RestController
class UsageController {

    private final Sessions sessions;
    private final StringRedisTemplate redis;
    private final ToolTrimming toolTrimming;
    private final Checkpoints checkpoints;

    UsageController(Sessions sessions, StringRedisTemplate redis, ToolTrimming toolTrimming,
            Checkpoints checkpoints) {
        this.checkpoints = checkpoints;
        this.toolTrimming = toolTrimming;
        this.sessions = sessions;
        this.redis = redis;
    }

    @GetMapping("/v1/sessions/{id}/usage")
    Usage usage(Tenant tenant, @PathVariable String id) {
        SessionRecord session = sessions.require(tenant.id(), id);
        List<String> ttft = redis.opsForList().range(RedisKeys.ttftSamples(id), 0, -1);
        long[] samples = ttft == null ? new long[0] : ttft.stream().mapToLong(Long::parseLong).toArray();
        List<Object> breaks = redis.opsForHash().multiGet(RedisKeys.session(id), PrefixBreaks.FIELDS);
        List<Object> routing = redis.opsForHash().multiGet(RedisKeys.session(id), ModelRouting.FIELDS);
        return Usage.of(session, samples, PrefixBreaks.of(breaks), toolTrimming.report(id),
                checkpoints.report(session), ModelRouting.of(routing));
    }

    /**
     * The usage report. Token budgets count prompt + completion tokens, cached ones included; "remaining" subtracts
     * what open reservations hold as well as what was used.
     */
    record Usage(String sessionId, long turns, long promptTokens, long cachedTokens, long completionTokens,
            BigDecimal costUsd, @Nullable Double cacheHitRatio, @Nullable Long ttftP50Ms, @Nullable Long ttftP95Ms,
            long reservedTokens, BigDecimal reservedCostUsd, Remaining budgets, PrefixBreaks prefixBreaks,
            ToolSetReport toolTrimming, Checkpoints.Report checkpoints, ModelRouting modelRouting) {

        static Usage of(SessionRecord session, long[] ttftSamples, PrefixBreaks prefixBreaks,
                ToolSetReport toolTrimming, Checkpoints.Report checkpoints, ModelRouting modelRouting) {
            Ledger ledger = session.ledger();
            Double hitRatio = ledger.promptTokens() == 0 ? null
                    : (double) ledger.cachedTokens() / ledger.promptTokens();
            return new Usage(session.id(), ledger.turns(), ledger.promptTokens(), ledger.cachedTokens(),
                    ledger.completionTokens(), Usd.fromNanos(ledger.costNanos()), hitRatio,
                    Percentiles.nearestRank(ttftSamples, 0.50), Percentiles.nearestRank(ttftSamples, 0.95),
                    ledger.reservedTokens(), Usd.fromNanos(ledger.reservedCostNanos()),
                    Remaining.of(session.budgets(), ledger), prefixBreaks, toolTrimming, checkpoints, modelRouting);
        }
    }

    /**
     * Turns that broke the session's cached prefix inside what the previous turn sent, by the section where they broke
     * (as its cells diagnosed them), and the latest.
     *
     * @param last   the latest, as {@code section@token}
     * @param lastAt when it was recorded
     */
    record PrefixBreaks(long system, long tools, long history, @Nullable String last, @Nullable Instant lastAt) {

        static final List<Object> FIELDS = List.of("pb:system", "pb:tools", "pb:history", "pbl", "pbt");

        static PrefixBreaks of(@Nullable List<Object> values) {
            if (values == null || values.size() != FIELDS.size()) {
                return new PrefixBreaks(0, 0, 0, null, null);
            }
            return new PrefixBreaks(count(values.get(0)), count(values.get(1)), count(values.get(2)),
                    values.get(3) == null ? null : String.valueOf(values.get(3)),
                    values.get(4) == null ? null : Instant.ofEpochMilli(Long.parseLong(String.valueOf(values.get(4)))));
        }

        private static long count(@Nullable Object value) {
            return value == null ? 0 : Long.parseLong(String.valueOf(value));
        }
    }

    /**
     * Turns the gateway routed by cost (they named a routing alias such as {@code auto}), what that was expected to save
     * against the alternative each time, and the latest decision.
     *
     * @param turns           turns routed
     * @param savingUsd       expected saving over them
     * @param lastModel       the model the latest was sent to
     * @param lastAlternative the model it was not
     */
    record ModelRouting(long turns, BigDecimal savingUsd, @Nullable String lastModel, @Nullable String lastAlternative) {

        static final List<Object> FIELDS = List.of("mr", "mrs", "mrl");

        static ModelRouting of(@Nullable List<Object> values) {
            if (values == null || values.size() != FIELDS.size()) {
                return new ModelRouting(0, BigDecimal.ZERO, null, null);
            }
            String[] last = values.get(2) == null ? new String[0] : String.valueOf(values.get(2)).split(" ");
            return new ModelRouting(PrefixBreaks.count(values.get(0)), Usd.fromNanos(PrefixBreaks.count(values.get(1))),
                    last.length == 2 ? last[0] : null, last.length == 2 ? last[1] : null);
        }
    }

    /** The session's limits and what is left of the lifetime ones (null: unlimited). */
    record Remaining(@Nullable Integer maxContextTokens, @Nullable Integer maxGrowthTokensPerTurn,
            @Nullable Long maxTotalTokens, @Nullable Long remainingTokens, @Nullable BigDecimal maxCostUsd,
            @Nullable BigDecimal remainingCostUsd) {

        static Remaining of(Budgets budgets, Ledger ledger) {
            Long remainingTokens = null;
            if (budgets.maxTotalTokens() != null) {
                long committed = ledger.promptTokens() + ledger.completionTokens() + ledger.reservedTokens();
                remainingTokens = Math.max(0, budgets.maxTotalTokens() - committed);
            }
            BigDecimal remainingCost = null;
            if (budgets.maxCostUsd() != null) {
                long committed = ledger.costNanos() + ledger.reservedCostNanos();
                remainingCost = Usd.fromNanos(Math.max(0, Usd.toNanosCeiling(budgets.maxCostUsd()) - committed));
            }
            return new Remaining(budgets.maxContextTokens(), budgets.maxGrowthTokensPerTurn(),
                    budgets.maxTotalTokens(), remainingTokens, budgets.maxCostUsd(), remainingCost);
        }
    }
}
