package io.warmpath.gateway.security;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.warmpath.contracts.assertion.Assertion;
import io.warmpath.contracts.assertion.Audiences;
import io.warmpath.contracts.sessions.KeyResolveRequest;
import io.warmpath.contracts.sessions.ResolvedKey;
import io.warmpath.contracts.sessions.SessionServiceApi;
import io.warmpath.gateway.assertions.GatewayAssertions;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Mono;

/**
 * Who an API key acts for, from session-service ({@code POST /internal/keys/resolve}, by the key's hash, with the
 * gateway's own assertion and {@value #RESOLVE_SCOPE}), remembered for {@code cache-ttl}: a revoked key stops working
 * on every gateway within that. An unknown key is remembered as unknown for {@code negative-cache-ttl}; a lookup that
 * fails (session-service down, slow) is remembered not at all, and is an error the caller turns into a 503.
 */
@Component
class ApiKeyResolver {

    static final String RESOLVE_SCOPE = "keys:resolve";
    private static final Assertion GATEWAY = Assertion.service("warmpath-gateway", List.of(RESOLVE_SCOPE));

    private final SessionServiceApi sessions;
    private final GatewayAssertions assertions;
    private final Duration timeout;
    private final AsyncCache<String, Optional<ResolvedKey>> known;

    ApiKeyResolver(SessionServiceApi sessions, GatewayAssertions assertions, ApiKeyProperties properties) {
        this.sessions = sessions;
        this.assertions = assertions;
        this.timeout = properties.timeout();
        long live = properties.cacheTtl().toNanos();
        long unknown = properties.negativeCacheTtl().toNanos();
        this.known = Caffeine.newBuilder()
                .maximumSize(properties.cacheSize())
                .expireAfter(Expiry.<String, Optional<ResolvedKey>>creating((hash, key) ->
                        Duration.ofNanos(key.isPresent() ? live : unknown)))
                .buildAsync();
    }

    /** The key with this hash, empty when there is no live one; an error when it cannot be known now. */
    Mono<Optional<ResolvedKey>> resolve(String keyHash) {
        return Mono.fromFuture(() -> known.get(keyHash, (hash, executor) -> lookUp(hash).toFuture()), true);
    }

    private Mono<Optional<ResolvedKey>> lookUp(String hash) {
        return sessions.resolveKey("Bearer " + assertions.mint(GATEWAY, Audiences.SESSIONS), new KeyResolveRequest(hash))
                .map(Optional::of)
                .timeout(timeout)
                .onErrorResume(WebClientResponseException.NotFound.class, unknown -> Mono.just(Optional.empty()));
    }
}
