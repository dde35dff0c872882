package io.warmpath.session;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the session service ({@code warmpath.session.*}). Map keys that contain dots (model names such as
 * {@code llama-3.1-8b-instruct}) need the bracket form in YAML: {@code "[llama-3.1-8b-instruct]":}.
 *
 * @param defaultTtl     lifetime of an implicit session since its last use, for tenants without their own defaults
 * @param reservationTtl how long a reservation holds budget before the next reservation reclaims it
 * @param ttftSamples    how many recent time-to-first-token samples each session keeps for its p50/p95 (128 take
 *                       about 0.6 KB of Redis per session; 512 about 2.2 KB)
 * @param retryAfter     the {@code Retry-After} sent with a 503 when Redis cannot be reached or the service is at its
 *                       concurrency limit
 * @param maxConcurrentRequests API requests handled at once; one more is refused with 503 at once (load shedding)
 * @param warmUpRounds   turns the service sends itself at startup, before it reports ready; 0 skips the warm-up
 * @param tenantDefaults per tenant: the ttl, data class and budgets of its implicit sessions
 * @param prices         per model: USD per million tokens; a model missing here costs nothing unless a cost budget
 *                       applies, which then refuses it
 * @param embeddedRedis  a Redis server started inside this process, for local runs without a Redis install
 */
@ConfigurationProperties("warmpath.session")
public record SessionProperties(
        @DefaultValue("1h") Duration defaultTtl,
        @DefaultValue("10m") Duration reservationTtl,
        @DefaultValue("128") int ttftSamples,
        @DefaultValue("1s") Duration retryAfter,
        @DefaultValue("64") int maxConcurrentRequests,
        @DefaultValue("500") int warmUpRounds,
        @Nullable Map<String, TenantDefaults> tenantDefaults,
        @Nullable Map<String, Price> prices,
        @DefaultValue EmbeddedRedis embeddedRedis) {

    public SessionProperties {
        tenantDefaults = tenantDefaults == null ? Map.of() : Map.copyOf(tenantDefaults);
        prices = prices == null ? Map.of() : Map.copyOf(prices);
        if (warmUpRounds < 0) {
            throw new IllegalArgumentException("warmpath.session.warm-up-rounds must not be negative");
        }
        if (maxConcurrentRequests < 1) {
            throw new IllegalArgumentException("warmpath.session.max-concurrent-requests must be at least 1");
        }
        if (ttftSamples < 1) {
            throw new IllegalArgumentException("warmpath.session.ttft-samples must be at least 1");
        }
    }

    /** The defaults of the tenant's implicit sessions: its own entry, else no budgets and {@link #defaultTtl}. */
    public TenantDefaults defaultsFor(String tenant) {
        TenantDefaults own = tenantDefaults.get(tenant);
        return own != null ? own.withTtlOr(defaultTtl) : new TenantDefaults(defaultTtl, null, null, null, null, null);
    }

    /**
     * Implicit-session defaults of one tenant ({@code warmpath.session.tenant-defaults.<tenant>.*}); unset budgets
     * are unlimited.
     */
    public record TenantDefaults(
            @Nullable Duration ttl,
            @Nullable String dataClass,
            @Nullable Integer maxContextTokens,
            @Nullable Integer maxGrowthTokensPerTurn,
            @Nullable Long maxTotalTokens,
            @Nullable BigDecimal maxCostUsd) {

        TenantDefaults withTtlOr(Duration fallback) {
            return ttl != null ? this
                    : new TenantDefaults(fallback, dataClass, maxContextTokens, maxGrowthTokensPerTurn, maxTotalTokens,
                            maxCostUsd);
        }
    }

    /** USD per million tokens of one model. */
    public record Price(BigDecimal input, BigDecimal cachedInput, BigDecimal output) {
    }

    /** @param enabled start a Redis server on 127.0.0.1 and {@code spring.data.redis.port}; for local runs only */
    public record EmbeddedRedis(@DefaultValue("false") boolean enabled) {
    }
}
