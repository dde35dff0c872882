package io.warmpath.session;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import io.warmpath.contracts.DataClass;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the session service ({@code warmpath.session.*}). Map keys that contain dots (model names such as
 * {@code llama-3.1-8b-instruct}) need the bracket form in YAML: {@code "[llama-3.1-8b-instruct]":}.
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
 * @param tenantDefaults per tenant: the ttl, data class and budgets of its implicit sessions
 * @param prices         per model: USD per million tokens (0 to 1000, 9 decimal places at most); a model missing
 *                       here costs nothing unless a cost budget applies, which then refuses it
 * @param embeddedRedis  a Redis server started inside this process, for local runs without a Redis install
 */
@ConfigurationProperties("warmpath.session")
public record SessionProperties(
        @DefaultValue("1h") Duration defaultTtl,
        @DefaultValue("10m") Duration reservationTtl,
        @DefaultValue("128") int ttftSamples,
        @DefaultValue("1s") Duration retryAfter,
        @DefaultValue("64") int maxConcurrentRequests,
        @DefaultValue("16") int maxConcurrentRequestsPerTenant,
        @DefaultValue("500") int warmUpRounds,
        @Nullable Map<String, TenantDefaults> tenantDefaults,
        @Nullable Map<String, Price> prices,
        @DefaultValue EmbeddedRedis embeddedRedis) {

    /** The longest lifetime of a session since its last use, as for {@code ttl_seconds} of a created one. */
    static final Duration MAX_TTL = Duration.ofDays(7);

    private static final String PREFIX = "warmpath.session.";

    // Every number is checked here, so that a wrong one stops the start with the property's name instead of
    // surfacing on the first request that uses it (1e-300000000 as a cost stalls every arithmetic step on it).
    public SessionProperties {
        tenantDefaults = tenantDefaults == null ? Map.of() : validTenantDefaults(tenantDefaults);
        prices = prices == null ? Map.of() : validPrices(prices);
        requireTtl(PREFIX + "default-ttl", defaultTtl);
        requireTtl(PREFIX + "reservation-ttl", reservationTtl);
        if (warmUpRounds < 0) {
            throw new IllegalArgumentException(PREFIX + "warm-up-rounds must not be negative");
        }
        if (maxConcurrentRequests < 1) {
            throw new IllegalArgumentException(PREFIX + "max-concurrent-requests must be at least 1");
        }
        if (maxConcurrentRequestsPerTenant < 1) {
            throw new IllegalArgumentException(PREFIX + "max-concurrent-requests-per-tenant must be at least 1");
        }
        if (ttftSamples < 1) {
            throw new IllegalArgumentException(PREFIX + "ttft-samples must be at least 1");
        }
    }

    /** The defaults of the tenant's implicit sessions: its own entry, else no budgets and {@link #defaultTtl}. */
    public TenantDefaults defaultsFor(String tenant) {
        TenantDefaults own = tenantDefaults.get(tenant);
        return own != null ? own.withTtlOr(defaultTtl) : new TenantDefaults(defaultTtl, null, null, null, null, null);
    }

    /**
     * Implicit-session defaults of one tenant ({@code warmpath.session.tenant-defaults.<tenant>.*}); unset budgets
     * are unlimited. The ranges are those of a created session's ({@link Limits}); the start fails on anything else.
     *
     * @param ttl                    lifetime since last use, 1s to 7d; {@link #defaultTtl} when unset
     * @param dataClass              public, internal, confidential or regulated; internal when unset
     * @param maxContextTokens       1 to 2^31 - 1
     * @param maxGrowthTokensPerTurn 1 to 2^31 - 1
     * @param maxTotalTokens         1 to {@link Limits#MAX_TOTAL_TOKENS}
     * @param maxCostUsd             more than 0 to {@link Limits#MAX_COST_USD}, at most 9 decimal places
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

    /** USD per million tokens of one model; each from 0 to {@link Limits#MAX_PRICE_USD}, 9 decimal places at most. */
    public record Price(BigDecimal input, BigDecimal cachedInput, BigDecimal output) {
    }

    /** @param enabled start a Redis server on 127.0.0.1 and {@code spring.data.redis.port}; for local runs only */
    public record EmbeddedRedis(@DefaultValue("false") boolean enabled) {
    }

    private static Map<String, TenantDefaults> validTenantDefaults(Map<String, TenantDefaults> all) {
        Map<String, TenantDefaults> valid = new HashMap<>();
        all.forEach((tenant, defaults) -> {
            String property = PREFIX + "tenant-defaults." + mapKey(tenant) + ".";
            if (defaults.ttl() != null) {
                requireTtl(property + "ttl", defaults.ttl());
            }
            String dataClass = null;
            if (defaults.dataClass() != null) {
                dataClass = DataClass.parse(defaults.dataClass()).map(DataClass::wireName)
                        .orElseThrow(() -> invalid(property + "data-class", defaults.dataClass(),
                                "must be one of public, internal, confidential, regulated"));
            }
            if (defaults.maxContextTokens() != null) {
                require(property + "max-context-tokens", defaults.maxContextTokens(),
                        Limits.tokenLimitProblem(defaults.maxContextTokens(), Integer.MAX_VALUE));
            }
            if (defaults.maxGrowthTokensPerTurn() != null) {
                require(property + "max-growth-tokens-per-turn", defaults.maxGrowthTokensPerTurn(),
                        Limits.tokenLimitProblem(defaults.maxGrowthTokensPerTurn(), Integer.MAX_VALUE));
            }
            if (defaults.maxTotalTokens() != null) {
                require(property + "max-total-tokens", defaults.maxTotalTokens(),
                        Limits.tokenLimitProblem(defaults.maxTotalTokens(), Limits.MAX_TOTAL_TOKENS));
            }
            if (defaults.maxCostUsd() != null) {
                require(property + "max-cost-usd", defaults.maxCostUsd(),
                        Limits.costLimitProblem(defaults.maxCostUsd()));
            }
            valid.put(tenant, new TenantDefaults(defaults.ttl(), dataClass, defaults.maxContextTokens(),
                    defaults.maxGrowthTokensPerTurn(), defaults.maxTotalTokens(), defaults.maxCostUsd()));
        });
        return Map.copyOf(valid);
    }

    private static Map<String, Price> validPrices(Map<String, Price> all) {
        all.forEach((model, price) -> {
            String property = PREFIX + "prices." + mapKey(model) + ".";
            requirePrice(property + "input", price.input());
            requirePrice(property + "cached-input", price.cachedInput());
            requirePrice(property + "output", price.output());
        });
        return Map.copyOf(all);
    }

    /** A map key as a property name writes it: in brackets when it has dots. */
    private static String mapKey(String key) {
        return key.contains(".") ? "[" + key + "]" : key;
    }

    private static void requirePrice(String property, @Nullable BigDecimal usd) {
        if (usd == null) {
            throw new IllegalArgumentException(property + " is required (USD per million tokens)");
        }
        require(property, usd, Limits.priceProblem(usd));
    }

    private static void requireTtl(String property, Duration ttl) {
        if (ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.compareTo(MAX_TTL) > 0) {
            throw invalid(property, ttl, "must be from 1s to " + MAX_TTL.toDays() + "d");
        }
    }

    private static void require(String property, Object value, @Nullable String problem) {
        if (problem != null) {
            throw invalid(property, value, problem);
        }
    }

    // BigDecimal's toString keeps an exponent (1E-300000000); toPlainString would write every digit out.
    private static IllegalArgumentException invalid(String property, Object value, String problem) {
        return new IllegalArgumentException(property + " " + problem + " (was " + value + ")");
    }
}
