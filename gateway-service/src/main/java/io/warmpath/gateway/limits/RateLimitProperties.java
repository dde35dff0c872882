package io.warmpath.gateway.limits;

import java.time.Duration;
import java.util.Map;

import io.warmpath.contracts.sessions.RateLimits;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Rate limits of inference requests ({@code warmpath.gateway.limits.*}), kept in Redis ({@code spring.data.redis.*})
 * so that every gateway enforces the same ones. A limit of 0 or none set is no limit.
 *
 * @param enabled                 whether requests are limited at all; off, no Redis is needed
 * @param tenant                  every tenant's limits, unless {@code tenants} names it
 * @param tenants                 limits of particular tenants, by tenant id; an unset value is {@code tenant}'s
 * @param key                     every API key's own limits (on top of its tenant's), unless the key sets its own
 * @param reserveCompletionTokens what a request that sets no {@code max_tokens} or {@code max_completion_tokens}
 *                                reserves for its completion, before its real usage settles it
 * @param lease                   how long an in-flight request holds its place among the concurrent ones when its
 *                                gateway never gives it back (a crash): longer than any request may take
 * @param timeout                 the longest the check may take
 * @param onStoreFailure          when Redis cannot be reached in time: {@code allow} (the default, as Envoy's and
 *                                Spring Cloud Gateway's Redis limiters do: limits protect capacity, and an outage of
 *                                Redis should not become one of inference) or {@code deny} (503)
 */
@ConfigurationProperties("warmpath.gateway.limits")
record RateLimitProperties(@DefaultValue("false") boolean enabled, @Nullable Limits tenant,
        @Nullable Map<String, Limits> tenants, @Nullable Limits key, @DefaultValue("1024") long reserveCompletionTokens,
        @DefaultValue("15m") Duration lease, @DefaultValue("250ms") Duration timeout,
        @DefaultValue("allow") StoreFailure onStoreFailure) {

    RateLimitProperties {
        tenant = tenant == null ? Limits.NONE : tenant;
        tenants = tenants == null ? Map.of() : Map.copyOf(tenants);
        key = key == null ? Limits.NONE : key;
        if (reserveCompletionTokens < 0) {
            throw new IllegalArgumentException("warmpath.gateway.limits.reserve-completion-tokens must not be negative");
        }
    }

    /** The tenant's limits: its own where set, else every tenant's. */
    Limits forTenant(String tenantId) {
        Limits own = tenants.get(tenantId);
        return own == null ? tenant : own.orElse(tenant);
    }

    /** An API key's limits: its own where set, else every key's. */
    Limits forKey(RateLimits own) {
        return new Limits(own.requestsPerMinute(), own.tokensPerMinute(), own.concurrentRequests()).orElse(key);
    }

    /** What to do when the limits cannot be checked. */
    enum StoreFailure {
        ALLOW, DENY
    }

    /**
     * One scope's limits; {@code null} or 0 is none.
     *
     * @param requestsPerMinute  requests started per minute
     * @param tokensPerMinute    prompt and completion tokens per minute
     * @param concurrentRequests requests in flight at once
     */
    record Limits(@Nullable Long requestsPerMinute, @Nullable Long tokensPerMinute, @Nullable Long concurrentRequests) {

        static final Limits NONE = new Limits(null, null, null);

        Limits {
            for (Long limit : new Long[] {requestsPerMinute, tokensPerMinute, concurrentRequests}) {
                if (limit != null && limit < 0) {
                    throw new IllegalArgumentException("A rate limit must not be negative: " + limit);
                }
            }
        }

        /** These limits, with each unset one taken from {@code fallback}. */
        Limits orElse(Limits fallback) {
            return new Limits(requestsPerMinute != null ? requestsPerMinute : fallback.requestsPerMinute,
                    tokensPerMinute != null ? tokensPerMinute : fallback.tokensPerMinute,
                    concurrentRequests != null ? concurrentRequests : fallback.concurrentRequests);
        }

        long requests() {
            return requestsPerMinute == null ? 0 : requestsPerMinute;
        }

        long tokens() {
            return tokensPerMinute == null ? 0 : tokensPerMinute;
        }

        long concurrent() {
            return concurrentRequests == null ? 0 : concurrentRequests;
        }

        boolean any() {
            return requests() > 0 || tokens() > 0 || concurrent() > 0;
        }
    }
}
