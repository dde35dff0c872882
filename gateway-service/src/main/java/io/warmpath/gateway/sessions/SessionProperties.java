package io.warmpath.gateway.sessions;

import java.net.URI;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The session-service connection ({@code warmpath.gateway.sessions.*}).
 *
 * @param url           session-service's base URL, for the internal API and the {@code /v1/sessions} route
 * @param timeout       how long a resolution or binding write may take before session-service counts as down
 * @param nearCacheTtl  how long a resolution is reused without asking session-service again
 * @param nearCacheMaxStale how much longer a resolution still answers a turn while it is refreshed in the
 *                      background; zero makes turns past the ttl wait for session-service
 * @param nearCacheSize the most resolutions kept
 * @param retryAfter    the {@code Retry-After} of the 503 sent when a token cannot be resolved
 * @param tenantDefaultsRefresh how often a tenant's defaults are asked again in the background
 * @param tenantDefaultsKeep    how long a tenant's defaults are kept when session-service cannot be asked (an outage)
 * @param unknownTenantDataClass the data class of a tenant whose defaults the gateway has not learned while
 *                      session-service cannot say: {@code regulated} (the default) refuses its requests until
 *                      session-service answers; a weaker class serves them with it
 */
@ConfigurationProperties("warmpath.gateway.sessions")
record SessionProperties(
        @DefaultValue("http://127.0.0.1:8081") URI url,
        @DefaultValue("500ms") Duration timeout,
        @DefaultValue("2s") Duration nearCacheTtl,
        @DefaultValue("60s") Duration nearCacheMaxStale,
        @DefaultValue("100000") long nearCacheSize,
        @DefaultValue("2s") Duration retryAfter,
        @DefaultValue("30s") Duration tenantDefaultsRefresh,
        @DefaultValue("24h") Duration tenantDefaultsKeep,
        @DefaultValue("regulated") String unknownTenantDataClass) {
}
