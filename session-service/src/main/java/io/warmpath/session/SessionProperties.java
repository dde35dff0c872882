package io.warmpath.session;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;

import io.warmpath.contracts.DataClass;
import io.warmpath.session.Limits.CostLimit;
import io.warmpath.session.Limits.PriceLimit;
import io.warmpath.session.Limits.TokenLimit;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the session service ({@code warmpath.session.*}). Map keys that contain dots (model names such as
 * {@code llama-3.1-8b-instruct}) need the bracket form in YAML: {@code "[llama-3.1-8b-instruct]":}. Every value is
 * checked when it is bound ({@code @Validated}), so that a wrong one stops the start naming its property instead of
 * surfacing on the first request that uses it (1e-300000000 as a cost stalls every arithmetic step on it).
 *
 * @param defaultTtl     lifetime of an implicit session since its last use, for tenants without their own defaults
 *                       (1s to 7d)
 * @param reservationTtl how long a reservation holds budget before the next reservation reclaims it (1s to 7d)
 * @param ttftSamples    how many recent time-to-first-token samples each session keeps for its p50/p95 (128 take
 *                       about 0.6 KB of Redis per session; 512 about 2.2 KB)
 * @param retryAfter     the {@code Retry-After} sent with a 503 when Redis cannot be reached or the service is at its
 *                       concurrency limit
 * @param maxConcurrentRequests API requests handled at once; one more is refused with 503 at once (load shedding)
 * @param maxConcurrentRequestsPerTenant API requests of one tenant handled at once (callers without a tenant count as
 *                       one); one more is refused the same way, while other tenants' are still admitted. A value at
 *                       or above {@code maxConcurrentRequests} leaves only the global limit.
 * @param warmUpRounds   turns the service sends itself at startup, before it reports ready; 0 skips the warm-up
 * @param replicaAcks    replicas that must hold a budget change (reserve, settle, release, recorded turn) before it
 *                       is acknowledged ({@code WAIT}); 0 (the default) does not wait. Standalone or Sentinel only
 * @param replicaAckTimeout how long to wait for those replicas; fewer in time is a 503, and the change may or may not
 *                       survive a failover (every budget call is idempotent, so the caller's retry is safe)
 * @param maxOpenImplicitSessions implicit sessions one tenant may have open at once, unless its defaults say
 *                       otherwise; one more is refused with 429 {@code session_limit_exceeded}. 0: no cap
 * @param tenantDefaults per tenant: the ttl, data class, budgets and cap of its implicit sessions
 * @param prices         per model: USD per million tokens (0 to 1000, 9 decimal places at most); a model missing
 *                       here costs nothing unless a cost budget applies, which then refuses it
 */
@ConfigurationProperties("warmpath.session")
@Validated
public record SessionProperties(
        @DefaultValue("1h") @DurationMin(seconds = 1, message = TTL_PROBLEM)
        @DurationMax(days = 7, message = TTL_PROBLEM) Duration defaultTtl,
        @DefaultValue("10m") @DurationMin(seconds = 1, message = TTL_PROBLEM)
        @DurationMax(days = 7, message = TTL_PROBLEM) Duration reservationTtl,
        @DefaultValue("128") @Min(value = 1, message = AT_LEAST_ONE) int ttftSamples,
        @DefaultValue("1s") Duration retryAfter,
        @DefaultValue("64") @Min(value = 1, message = AT_LEAST_ONE) int maxConcurrentRequests,
        @DefaultValue("16") @Min(value = 1, message = AT_LEAST_ONE) int maxConcurrentRequestsPerTenant,
        @DefaultValue("500") @PositiveOrZero(message = "must not be negative") int warmUpRounds,
        @DefaultValue("0") @PositiveOrZero(message = "must not be negative") int replicaAcks,
        @DefaultValue("500ms") Duration replicaAckTimeout,
        @DefaultValue("10000") @PositiveOrZero(message = "must not be negative") int maxOpenImplicitSessions,
        @Nullable Map<String, @Valid TenantDefaults> tenantDefaults,
        @Nullable Map<String, @Valid Price> prices) {

    /** The range of every lifetime, as for {@code ttl_seconds} of a created session's. */
    private static final String TTL_PROBLEM = "must be from 1s to 7d";

    private static final String AT_LEAST_ONE = "must be at least 1";

    public SessionProperties {
        tenantDefaults = tenantDefaults == null ? Map.of() : Map.copyOf(tenantDefaults);
        prices = prices == null ? Map.of() : Map.copyOf(prices);
    }

    /** The defaults of the tenant's implicit sessions: its own entry, else no budgets and {@link #defaultTtl}. */
    public TenantDefaults defaultsFor(String tenant) {
        TenantDefaults own = tenantDefaults.get(tenant);
        return own != null ? own.withTtlOr(defaultTtl)
                : new TenantDefaults(defaultTtl, null, null, null, null, null, null);
    }

    /** How many implicit sessions the tenant may have open at once; 0: no cap. */
    public int implicitSessionCap(String tenant) {
        TenantDefaults own = tenantDefaults.get(tenant);
        return own != null && own.maxOpenImplicitSessions() != null ? own.maxOpenImplicitSessions()
                : maxOpenImplicitSessions;
    }

    /**
     * Implicit-session defaults of one tenant ({@code warmpath.session.tenant-defaults.<tenant>.*}); unset budgets
     * are unlimited. The ranges are those of a created session's ({@link Limits}); the start fails on anything else.
     *
     * @param ttl                    lifetime since last use, 1s to 7d; {@link #defaultTtl} when unset
     * @param dataClass              public, internal, confidential or regulated, in any case (kept in lower case);
     *                               internal when unset
     * @param maxContextTokens       1 to 2^31 - 1
     * @param maxGrowthTokensPerTurn 1 to 2^31 - 1
     * @param maxTotalTokens         1 to {@link Limits#MAX_TOTAL_TOKENS}
     * @param maxCostUsd             more than 0 to {@link Limits#MAX_COST_USD}, at most 9 decimal places
     * @param maxOpenImplicitSessions its cap on open implicit sessions (0: none); the service's
     *                               {@code max-open-implicit-sessions} when unset
     */
    public record TenantDefaults(
            @DurationMin(seconds = 1, message = TTL_PROBLEM) @DurationMax(days = 7, message = TTL_PROBLEM)
            @Nullable Duration ttl,
            @Pattern(regexp = "public|internal|confidential|regulated",
                    message = "must be one of public, internal, confidential, regulated") @Nullable String dataClass,
            @TokenLimit @Nullable Integer maxContextTokens,
            @TokenLimit @Nullable Integer maxGrowthTokensPerTurn,
            @TokenLimit(max = Limits.MAX_TOTAL_TOKENS) @Nullable Long maxTotalTokens,
            @CostLimit @Nullable BigDecimal maxCostUsd,
            @PositiveOrZero(message = "must not be negative") @Nullable Integer maxOpenImplicitSessions) {

        // Any case is accepted, the wire form kept; a name of no class stays as written, for @Pattern to refuse.
        public TenantDefaults {
            if (dataClass != null) {
                dataClass = DataClass.parse(dataClass).map(DataClass::wireName).orElse(dataClass);
            }
        }

        TenantDefaults withTtlOr(Duration fallback) {
            return ttl != null ? this
                    : new TenantDefaults(fallback, dataClass, maxContextTokens, maxGrowthTokensPerTurn, maxTotalTokens,
                            maxCostUsd, maxOpenImplicitSessions);
        }
    }

    /**
     * USD per million tokens of one model; each required, from 0 to {@link Limits#MAX_PRICE_USD}, 9 decimal places at
     * most.
     */
    public record Price(
            @NotNull(message = PRICE_REQUIRED) @PriceLimit BigDecimal input,
            @NotNull(message = PRICE_REQUIRED) @PriceLimit BigDecimal cachedInput,
            @NotNull(message = PRICE_REQUIRED) @PriceLimit BigDecimal output) {

        private static final String PRICE_REQUIRED = "is required (USD per million tokens)";
    }
}
