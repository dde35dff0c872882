package io.warmpath.inference;

import java.net.URI;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings of this inference cell ({@code warmpath.cell.*}).
 *
 * @param id               the cell's id, unique among the cells a gateway routes to; sent as {@code x-warmpath-cell}
 * @param region           the region label the gateway filters on
 * @param engineUrl        base URL of the one engine this cell fronts (vLLM OpenAI-compatible API)
 * @param timeouts         how long to wait for the engine
 * @param statusInterval   how often the engine's /health, /metrics and /v1/models are polled for {@code /cell/status}
 * @param retryAfter       the {@code Retry-After} a client gets when the engine or session-service is unavailable
 * @param maxBodySize      largest request (and non-streamed response) body the cell holds in memory
 * @param sessionsUrl      base URL of session-service, where requests of a session reserve and settle their budget
 * @param sessionsTimeout  longest wait for one session-service call; a reservation that takes longer fails closed
 * @param defaultMaxTokens completion tokens reserved for a request that names no {@code max_tokens}
 * @param ledgerFlushInterval how long turns of sessions without limits are gathered before they are sent to
 *                         session-service's ledger in one call per tenant
 * @param cacheSalt        how the {@code cache_salt} on every engine request is derived
 */
@ConfigurationProperties("warmpath.cell")
public record CellProperties(
        @DefaultValue("cell-0") String id,
        @DefaultValue("local") String region,
        @DefaultValue("http://127.0.0.1:8100") URI engineUrl,
        @DefaultValue Timeouts timeouts,
        @DefaultValue("1s") Duration statusInterval,
        @DefaultValue("1s") Duration retryAfter,
        @DefaultValue("16MB") DataSize maxBodySize,
        @DefaultValue("http://127.0.0.1:8081") URI sessionsUrl,
        @DefaultValue("1s") Duration sessionsTimeout,
        @DefaultValue("1024") int defaultMaxTokens,
        @DefaultValue("20ms") Duration ledgerFlushInterval,
        @DefaultValue CacheSalt cacheSalt) {

    /**
     * The {@code cache_salt} the cell writes into every engine request, so that tenants do not share the engine's
     * prefix cache: lowercase hex of HMAC-SHA256({@code secret}, scope), cut to 32 characters.
     *
     * @param secret the HMAC key (its UTF-8 bytes); unset, each process draws a random one, so a restarted cell
     *               finds nothing of its engine's cache under the new salts. Set a fixed one to keep the cache across
     *               restarts; keep it secret, as anyone who knows it can compute every tenant's salt
     * @param scope  who shares cached prefixes: a whole tenant, or only its requests of the same workflow
     */
    public record CacheSalt(String secret, @DefaultValue("tenant") Scope scope) {

        /** Who shares the engine's cached prefixes. */
        public enum Scope {
            /** Requests of the same tenant (the assertion's {@code tenant}). */
            TENANT,
            /** Requests of the same tenant and workflow (the assertion's {@code workflow}). */
            TENANT_AND_WORKFLOW
        }

        @Override
        public String toString() {
            // Never the secret, should the properties be logged.
            return "CacheSalt[secret=" + (secret == null || secret.isEmpty() ? "unset" : "set") + ", scope=" + scope
                    + "]";
        }
    }

    /**
     * @param connect  TCP connect to the engine
     * @param response longest silence from the engine while waiting for or reading a response; covers the wait for
     *                 the first byte (queueing plus prefill) and stalls mid-stream, except for non-streamed completions
     * @param status   one status poll (health, metrics, models); a slower poll counts as a failed one
     * @param unaryResponse longest wait for a non-streamed completion, which arrives whole only when generation
     *                 ends; replaces {@code response} for those requests
     * @param request  longest a completion may take in all, from the moment the cell takes it on to its last byte
     *                 (streams end with an error event, answers not yet received are a 504). It must stay below
     *                 session-service's reservation TTL ({@code warmpath.session.reservation-ttl}, 10 minutes), so
     *                 that a turn's hold cannot expire, and its budget be lent to others, while the turn still runs
     */
    public record Timeouts(
            @DefaultValue("2s") Duration connect,
            @DefaultValue("120s") Duration response,
            @DefaultValue("2s") Duration status,
            @DefaultValue("600s") Duration unaryResponse,
            @DefaultValue("9m") Duration request) {
    }
}
