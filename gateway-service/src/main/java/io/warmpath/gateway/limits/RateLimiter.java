package io.warmpath.gateway.limits;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.warmpath.contracts.Ids;
import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ApiErrorException;
import io.warmpath.contracts.errors.ErrorCode;
import io.warmpath.gateway.security.Caller;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

/**
 * Holds inference requests to their tenant's and API key's rate limits, in Redis so that every gateway holds them to
 * the same ones: requests per minute, tokens per minute and concurrent requests, in one script that admits a request
 * under all of them or none.
 *
 * <p>Tokens are reserved from the request (its prompt's estimate plus the completion it may generate) and settled
 * with the usage its cell reports ({@link UsageWatch}) once the response ends; a request that failed before any
 * answer gives its reservation back, one whose usage is unknown (a stream cut short) keeps it. Every admitted or
 * refused response carries OpenAI's {@code x-ratelimit-*} headers of the tightest scope ({@link RateLimitHeaders});
 * a refusal is a 429 with {@code Retry-After}.
 */
@Component
public class RateLimiter {

    private static final Logger log = LoggerFactory.getLogger(RateLimiter.class);

    private static final RedisScript<List> ADMIT = RedisScript.of(new ClassPathResource("limits/admit.lua"),
            List.class);
    private static final RedisScript<Long> SETTLE = RedisScript.of(new ClassPathResource("limits/settle.lua"),
            Long.class);
    private static final String PREFIX = "wp:rl:";
    /** Tokens used, unknown: the reservation stands. */
    private static final long UNKNOWN = -1;
    private static final long WARN_INTERVAL_NANOS = Duration.ofSeconds(10).toNanos();

    private final RateLimitProperties properties;
    private final @Nullable ReactiveStringRedisTemplate redis;
    private final MeterRegistry meters;
    private final Counter storeFailures;
    private final AtomicLong lastWarned = new AtomicLong(System.nanoTime() - WARN_INTERVAL_NANOS);

    RateLimiter(RateLimitProperties properties, ObjectProvider<ReactiveStringRedisTemplate> redis,
            MeterRegistry meters) {
        this.properties = properties;
        this.redis = properties.enabled() ? redis.getObject() : null;
        this.meters = meters;
        this.storeFailures = Counter.builder("warmpath.gateway.limits.store.failures")
                .description("Rate-limit checks Redis did not answer in time; decided by on-store-failure")
                .register(meters);
    }

    /**
     * Runs {@code proceed} under the caller's limits, or fails with 429 when a limit is reached.
     *
     * @param promptTokens     the prompt's estimated tokens
     * @param completionTokens the most the request may generate, as it says; {@code null}: it does not say, and
     *                         {@code reserve-completion-tokens} are reserved
     * @param proceed          the rest of the request, given the exchange whose response reports usage back
     */
    public Mono<Void> limit(ServerWebExchange exchange, Caller caller, long promptTokens,
            @Nullable Long completionTokens, Function<ServerWebExchange, Mono<Void>> proceed) {
        if (redis == null) {
            return unwatched(exchange, proceed);
        }
        List<Scope> scopes = scopesOf(caller);
        if (scopes.isEmpty()) {
            return unwatched(exchange, proceed);
        }
        long tokens = Math.max(0, promptTokens)
                + (completionTokens != null ? completionTokens : properties.reserveCompletionTokens());
        String requestId = UUID.randomUUID().toString();
        return admit(scopes, requestId, tokens).flatMap(decision -> {
            RateLimitHeaders.write(decision, exchange.getResponse().getHeaders());
            count(decision);
            if (!decision.admitted()) {
                return Mono.error(new ApiErrorException(refusal(decision)));
            }
            if (decision.unchecked()) {
                // The script may have run after all (a slow answer, not a lost one): give back any place it took.
                settle(scopes, requestId, tokens, UNKNOWN);
                return unwatched(exchange, proceed);
            }
            UsageWatch watch = new UsageWatch(exchange.getResponse(), true);
            return Mono.defer(() -> proceed.apply(exchange.mutate().response(watch).build()))
                    .doFinally(signal -> settle(scopes, requestId, tokens, used(watch, signal)));
        })
                // A client gone while the admission was on its way: its place, if taken, is given back.
                .doOnCancel(() -> settle(scopes, requestId, tokens, UNKNOWN));
    }

    /**
     * The request unlimited; its response still loses the cells' internal usage header, and its stream is not read
     * (there is nothing to settle).
     */
    private static Mono<Void> unwatched(ServerWebExchange exchange, Function<ServerWebExchange, Mono<Void>> proceed) {
        return Mono.defer(() -> proceed.apply(exchange.mutate()
                .response(new UsageWatch(exchange.getResponse(), false)).build()));
    }

    private List<Scope> scopesOf(Caller caller) {
        String tenantKey = PREFIX + "{" + tenantHash(caller.tenant()) + "}:";
        List<Scope> scopes = new ArrayList<>(2);
        RateLimitProperties.Limits tenant = properties.forTenant(caller.tenant());
        if (tenant.any()) {
            scopes.add(new Scope(tenantKey, tenant));
        }
        if (caller.apiKey() != null) {
            RateLimitProperties.Limits key = properties.forKey(caller.apiKey().limits());
            if (key.any()) {
                scopes.add(new Scope(tenantKey + "k:" + caller.apiKey().id() + ":", key));
            }
        }
        return scopes;
    }

    private Mono<Decision> admit(List<Scope> scopes, String requestId, long tokens) {
        List<String> keys = new ArrayList<>(scopes.size() * 3);
        List<String> args = new ArrayList<>(3 + scopes.size() * 3);
        args.add(requestId);
        args.add(Long.toString(properties.lease().toMillis()));
        args.add(Long.toString(tokens));
        for (Scope scope : scopes) {
            keys.add(scope.prefix() + "r");
            keys.add(scope.prefix() + "t");
            keys.add(scope.prefix() + "c");
            args.add(Long.toString(scope.limits().requests()));
            args.add(Long.toString(scope.limits().tokens()));
            args.add(Long.toString(scope.limits().concurrent()));
        }
        return redis.execute(ADMIT, keys, args).next()
                .timeout(properties.timeout())
                .map(Decision::of)
                .onErrorResume(failure -> Mono.just(storeFailed(failure)));
    }

    private Decision storeFailed(Throwable failure) {
        storeFailures.increment();
        boolean admit = properties.onStoreFailure() == RateLimitProperties.StoreFailure.ALLOW;
        // Once per period, not per request: an outage of Redis must not flood the logs (the counter has each one).
        long now = System.nanoTime();
        long last = lastWarned.get();
        if (now - last >= WARN_INTERVAL_NANOS && lastWarned.compareAndSet(last, now)) {
            log.warn("Rate limits cannot be checked ({}): {} requests until Redis answers again",
                    failure.getClass().getSimpleName(), admit ? "admitting" : "refusing");
        }
        return admit ? Decision.UNCHECKED_ADMIT : Decision.UNCHECKED_REFUSE;
    }

    private static long used(UsageWatch watch, SignalType signal) {
        long reported = watch.reportedTokens();
        if (reported >= 0) {
            return reported;
        }
        HttpStatusCode status = watch.getStatusCode();
        if (signal == SignalType.ON_ERROR && !watch.isCommitted()
                || signal == SignalType.ON_COMPLETE && status != null && status.isError()) {
            // Refused before any answer (no cell, a policy denial, an engine's 4xx): no tokens were spent.
            return 0;
        }
        // A stream cut short or a client gone: the engine may well have worked; the reservation stands.
        return UNKNOWN;
    }

    private void settle(List<Scope> scopes, String requestId, long reserved, long used) {
        List<String> keys = new ArrayList<>(scopes.size() * 2);
        List<String> args = new ArrayList<>(3 + scopes.size());
        args.add(requestId);
        args.add(Long.toString(reserved));
        args.add(Long.toString(used));
        for (Scope scope : scopes) {
            keys.add(scope.prefix() + "t");
            keys.add(scope.prefix() + "c");
            args.add(Long.toString(scope.limits().tokens()));
        }
        // In the background: the client has its answer. A settle that fails leaves the in-flight place to its lease.
        redis.execute(SETTLE, keys, args).next()
                .timeout(properties.timeout())
                .subscribe(settled -> { }, failure -> {
                    storeFailures.increment();
                    log.warn("A rate-limit settlement failed ({})", failure.getClass().getSimpleName());
                });
    }

    private static ApiError refusal(Decision decision) {
        Duration retryAfter = Duration.ofMillis(Math.max(1, decision.retryAfterMillis()));
        return switch (decision.refused()) {
            case "tokens" -> ApiError.retryable(ErrorCode.TOKEN_RATE_LIMIT_EXCEEDED, "Rate limit reached for tokens "
                    + "per minute: limit " + decision.tokenLimit() + ", remaining " + decision.tokensRemaining()
                    + ". Retry after the time in Retry-After.", retryAfter);
            case "concurrent" -> ApiError.retryable(ErrorCode.CONCURRENCY_LIMIT_EXCEEDED, "Too many requests in "
                    + "flight at once for this tenant or key; retry when one has finished.", retryAfter);
            case "unchecked" -> ApiError.retryable(ErrorCode.RATE_LIMITS_UNAVAILABLE, "Rate limits cannot be "
                    + "checked right now; retry shortly.", retryAfter);
            default -> ApiError.retryable(ErrorCode.RATE_LIMIT_EXCEEDED, "Rate limit reached for requests per "
                    + "minute: limit " + decision.requestLimit() + ". Retry after the time in Retry-After.",
                    retryAfter);
        };
    }

    private void count(Decision decision) {
        meters.counter("warmpath.gateway.limits.decisions", "outcome",
                decision.admitted() ? "admitted" : "refused_" + decision.refused()).increment();
    }

    /** The tenant in a key: a hash, so that no tenant name (nor a brace in one) shapes a Redis Cluster hash tag. */
    private static String tenantHash(String tenant) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(Ids.sha256().digest(tenant.getBytes(StandardCharsets.UTF_8)));
    }

    /** One set of limits and where its state is kept. */
    private record Scope(String prefix, RateLimitProperties.Limits limits) {
    }
}
