package io.warmpath.gateway.security;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the gateway checks API keys ({@code warmpath.gateway.keys.*}).
 *
 * @param cacheTtl         how long a live key is believed without asking session-service again: the longest a
 *                         revoked key still works on a gateway
 * @param negativeCacheTtl how long an unknown key is remembered as unknown, so that a flood of bad keys costs
 *                         session-service one lookup per key per period
 * @param cacheSize        keys remembered at most
 * @param timeout          the longest a lookup may take; slower is a 503 (fail closed)
 */
@ConfigurationProperties("warmpath.gateway.keys")
record ApiKeyProperties(@DefaultValue("5s") Duration cacheTtl, @DefaultValue("1s") Duration negativeCacheTtl,
        @DefaultValue("100000") long cacheSize, @DefaultValue("500ms") Duration timeout) {
}
