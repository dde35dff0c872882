package io.warmpath.gateway.sessions;

import java.time.Duration;
import java.util.Optional;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.warmpath.contracts.DataClass;
import io.warmpath.contracts.assertion.Audiences;
import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ApiErrorException;
import io.warmpath.contracts.errors.ErrorCode;
import io.warmpath.contracts.sessions.SessionServiceApi;
import io.warmpath.contracts.sessions.TenantDefaults;
import io.warmpath.gateway.assertions.GatewayAssertions;
import io.warmpath.gateway.security.Caller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Mono;

/**
 * What each tenant's requests default to, as session-service configures it ({@link TenantDefaults}): the data class
 * of a request without a session, and the floor of any request the gateway must serve while session-service cannot
 * say more (an outage). Learned on a tenant's first request, refreshed in the background every {@code refresh}, and
 * kept through an outage for up to {@code keep} after the last answer: a degraded request is never handled more
 * weakly than its tenant's own defaults, and a tenant never learned is refused rather than guessed.
 */
public final class TenantDirectory {

    private static final Logger log = LoggerFactory.getLogger(TenantDirectory.class);

    private final AsyncLoadingCache<String, TenantDefaults> defaults;
    private final DataClass unknownTenantClass;

    TenantDirectory(SessionServiceApi sessions, GatewayAssertions assertions, Duration timeout, Duration refresh,
            Duration keep, DataClass unknownTenantClass, Ticker ticker) {
        this.unknownTenantClass = unknownTenantClass;
        this.defaults = Caffeine.newBuilder()
                .refreshAfterWrite(refresh)
                .expireAfterWrite(keep)
                .maximumSize(100_000)
                .ticker(ticker)
                // A failed refresh keeps the known defaults; a failed first load is not remembered.
                .buildAsync((tenant, executor) -> sessions.tenantDefaults("Bearer " + assertions.mint(
                                Caller.of(tenant, GatewayAssertions.GATEWAY).assertion(), Audiences.SESSIONS))
                        .timeout(timeout)
                        .doOnError(failure -> log.warn("Tenant defaults could not be loaded from session-service: {}",
                                failure instanceof WebClientResponseException response ? response.getStatusCode()
                                        : failure.getClass().getSimpleName()))
                        .toFuture());
    }

    /** The data class of a tenant whose defaults were never learned, while session-service cannot say. */
    public DataClass unknownTenantClass() {
        return unknownTenantClass;
    }

    /**
     * The data class of the tenant's requests without a session: its default, or {@link #unknownTenantClass()} when
     * it was never learned and session-service cannot say now, which fails with a 503
     * {@code session_service_unavailable} when that is the strictest class (fail closed).
     */
    public Mono<DataClass> dataClassOf(String tenant, Duration retryAfter) {
        return of(tenant).flatMap(known -> known.isPresent() ? Mono.just(known.get().dataClass())
                : unknown(retryAfter));
    }

    /**
     * As {@link #dataClassOf}, for a turn of an implicit session served while session-service cannot resolve it: also
     * a 503 when the tenant's implicit sessions have limits, since nothing could keep them.
     */
    public Mono<DataClass> dataClassOfUnresolvedSession(String tenant, Duration retryAfter) {
        return of(tenant).flatMap(known -> {
            if (known.isEmpty()) {
                return unknown(retryAfter);
            }
            if (known.get().limited()) {
                return Mono.error(new ApiErrorException(ApiError.retryable(ErrorCode.SESSION_SERVICE_UNAVAILABLE,
                        "Sessions with budgets cannot be served while sessions cannot be checked; retry shortly.",
                        retryAfter)));
            }
            return Mono.just(known.get().dataClass());
        });
    }

    /**
     * Starts learning the tenant's defaults, or refreshing them when due, without waiting: called on turns that do
     * not need them now, so that an outage finds them known.
     */
    public void learn(String tenant) {
        defaults.get(tenant);
    }

    private Mono<DataClass> unknown(Duration retryAfter) {
        if (unknownTenantClass == DataClass.REGULATED) {
            return Mono.error(new ApiErrorException(ApiError.retryable(ErrorCode.SESSION_SERVICE_UNAVAILABLE,
                    "The tenant's defaults cannot be learned right now; retry shortly.", retryAfter)));
        }
        return Mono.just(unknownTenantClass);
    }

    /** The tenant's defaults; empty when they were never learned and session-service cannot say now. */
    public Mono<Optional<TenantDefaults>> of(String tenant) {
        return Mono.fromFuture(() -> defaults.get(tenant), true)
                .map(Optional::of)
                .onErrorResume(failure -> Mono.just(Optional.empty()));
    }
}
