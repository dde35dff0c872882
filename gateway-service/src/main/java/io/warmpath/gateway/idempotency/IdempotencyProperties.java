package io.warmpath.gateway.idempotency;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code Idempotency-Key} handling ({@code warmpath.gateway.idempotency.*}), kept in Redis
 * ({@code spring.data.redis.*}) so that a repeat reaching another gateway is answered alike.
 *
 * @param enabled          whether keys are honoured at all; off, the header is ignored and no Redis is needed
 * @param retention        how long a served request's response is kept for repeats
 * @param inFlightLease    how long a request holds its key while it is served, when its gateway never says how it
 *                         ended (a crash): longer than any request may take
 * @param maxResponseBytes the largest response body kept; a larger one is served, and a repeat is told it was not kept
 * @param timeout          the longest a look-up or claim in Redis may take
 * @param onStoreFailure   when Redis cannot be reached in time: {@code allow} (the default: serve the request without
 *                         the guarantee, as rate limits do) or {@code deny} (503, retryable)
 * @param secret           a secret every gateway shares, mixed into the keys of records and of their sealing: with
 *                         one, reading a kept response takes Redis, the client's key and this; unset, the first two
 */
@ConfigurationProperties("warmpath.gateway.idempotency")
record IdempotencyProperties(@DefaultValue("false") boolean enabled, @DefaultValue("24h") Duration retention,
        @DefaultValue("15m") Duration inFlightLease, @DefaultValue("1MB") DataSize maxResponseBytes,
        @DefaultValue("250ms") Duration timeout, @DefaultValue("allow") StoreFailure onStoreFailure,
        @Nullable String secret) {

    IdempotencyProperties {
        if (retention.isNegative() || retention.isZero() || inFlightLease.isNegative() || inFlightLease.isZero()) {
            throw new IllegalArgumentException(
                    "warmpath.gateway.idempotency.retention and in-flight-lease must be positive");
        }
    }

    byte[] secretBytes() {
        return secret == null ? new byte[0] : secret.getBytes(StandardCharsets.UTF_8);
    }

    /** What to do when a key cannot be checked. */
    enum StoreFailure {
        ALLOW, DENY
    }
}
