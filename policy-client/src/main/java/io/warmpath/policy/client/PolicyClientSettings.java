package io.warmpath.policy.client;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link PolicyClient} talks to policy-service.
 *
 * @param url       policy-service's base URL
 * @param deadline  the longest a batch may take, connect included; a slower answer is a deny ({@code timeout})
 * @param allowTtl  how long an allow is reused without asking again; denies are never cached
 * @param cacheSize the most allows kept
 */
public record PolicyClientSettings(URI url, Duration deadline, Duration allowTtl, long cacheSize) {

    public static final Duration DEFAULT_DEADLINE = Duration.ofMillis(150);
    public static final Duration DEFAULT_ALLOW_TTL = Duration.ofSeconds(5);
    public static final long DEFAULT_CACHE_SIZE = 10_000;

    public PolicyClientSettings {
        Objects.requireNonNull(url, "url");
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("deadline must be positive");
        }
        if (allowTtl.isNegative()) {
            throw new IllegalArgumentException("allowTtl must not be negative");
        }
    }

    /** The defaults: a 150 ms deadline, allows kept 5 s, at most 10,000 of them. */
    public static PolicyClientSettings of(URI url) {
        return new PolicyClientSettings(url, DEFAULT_DEADLINE, DEFAULT_ALLOW_TTL, DEFAULT_CACHE_SIZE);
    }
}
