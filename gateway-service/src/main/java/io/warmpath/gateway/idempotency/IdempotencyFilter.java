package io.warmpath.gateway.idempotency;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.warmpath.contracts.WarmpathHeaders;
import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ApiErrorException;
import io.warmpath.contracts.errors.ErrorCode;
import io.warmpath.gateway.security.Caller;
import io.warmpath.gateway.security.Tenants;
import io.warmpath.gateway.web.CachedBodies;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;

/**
 * Honours {@code Idempotency-Key} on the requests of the public API that do work: chat and text completions,
 * embeddings, session creation and tool invocations (artifact uploads have their own, in artifact-service). Keyed per
 * caller (tenant, and API key or subject) in Redis, with the request's fingerprint (method, path, body and the
 * headers that change what it does):
 * <ul>
 *   <li>the first request with a key is served, and its response kept for {@code retention}: status, the headers
 *       that describe it and the body, a stream's whole event bytes;</li>
 *   <li>a repeat gets that response again, marked {@code Idempotent-Replayed: true}, with no call to a cell and no
 *       second charge; one while the first is still served gets 409 {@code idempotency_key_in_use} with
 *       {@code Retry-After}; the same key with another request 422 {@code idempotency_key_reused};</li>
 *   <li>a request that did not complete gives the key back, so the repeat is served afresh: a 429, 409, 408, 425 or
 *       any 5xx, a failure before its answer, a stream that ended without {@code [DONE]}, a client that left (what
 *       the abandoned attempt spent stays spent);</li>
 *   <li>a response body over {@code max-response-bytes} is served but not kept: a repeat gets 409
 *       {@code idempotent_response_not_kept}, and is never served twice;</li>
 *   <li>a malformed key is 400 {@code invalid_idempotency_key}.</li>
 * </ul>
 * Runs after Spring Security (so the tenant is known and an unauthenticated repeat learns nothing) and before rate
 * limits, so a replay spends none of the caller's rate.
 */
@Component
@Order(-40)
class IdempotencyFilter implements WebFilter {

    private static final Logger log = LoggerFactory.getLogger(IdempotencyFilter.class);
    private static final Set<String> COVERED_PATHS = Set.of("/v1/chat/completions", "/v1/completions",
            "/v1/embeddings", "/v1/sessions");
    private static final PathPattern TOOL_INVOCATION = PathPatternParser.defaultInstance.parse("/v1/tools/{name}/invoke");
    /** Headers that change what a request does, so a repeat must send the same ones. */
    private static final List<String> MEANINGFUL_HEADERS = List.of(WarmpathHeaders.SESSION_AFFINITY,
            WarmpathHeaders.WORKFLOW, WarmpathHeaders.WORKLOAD_CLASS, WarmpathHeaders.TOOL_TRIMMING);
    /** Internal headers of a response, never kept (a kept response is a success or a client error). */
    private static final Set<String> INTERNAL_HEADERS = Set.of(WarmpathHeaders.USAGE, WarmpathHeaders.UNAVAILABLE);
    private static final Duration IN_USE_RETRY_AFTER = Duration.ofSeconds(1);
    private static final Duration STORE_RETRY_AFTER = Duration.ofSeconds(2);
    private static final long WARN_INTERVAL_NANOS = Duration.ofSeconds(10).toNanos();

    private final @Nullable IdempotencyStore store;
    private final IdempotencyProperties properties;
    private final MeterRegistry meters;
    private final byte[] secret;
    private final AtomicLong lastWarned = new AtomicLong(System.nanoTime() - WARN_INTERVAL_NANOS);

    IdempotencyFilter(IdempotencyProperties properties,
            ObjectProvider<org.springframework.data.redis.core.ReactiveStringRedisTemplate> redis,
            MeterRegistry meters) {
        this.properties = properties;
        this.store = properties.enabled() ? new IdempotencyStore(redis.getObject(), properties) : null;
        this.meters = meters;
        this.secret = properties.secretBytes();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        List<String> keys = request.getHeaders().getOrEmpty(WarmpathHeaders.IDEMPOTENCY_KEY);
        if (store == null || keys.isEmpty() || request.getMethod() != HttpMethod.POST || !covered(request)) {
            return chain.filter(exchange);
        }
        return Mono.fromCallable(() -> IdempotencyKey.parse(keys))
                .doOnError(ApiErrorException.class, invalid -> count("malformed"))
                .zipWith(Tenants.callerOf(exchange).map(IdempotencyFilter::scopeOf))
                .map(keyed -> KeyScope.of(keyed.getT2(), keyed.getT1(), secret))
                .map(Optional::of)
                // Security lets no request without a tenant reach these paths; were one to, it has no key to keep.
                .defaultIfEmpty(Optional.empty())
                .flatMap(scope -> scope.isEmpty() ? chain.filter(exchange) : CachedBodies.read(request).flatMap(body -> {
                    String fingerprint = scope.get().fingerprint(request.getMethod().name(),
                            request.getPath().value(), meaningfulHeaders(request), body);
                    ServerWebExchange withBody = CachedBodies.withBody(exchange, body);
                    return store.claim(scope.get(), fingerprint)
                            .flatMap(claim -> answer(withBody, chain, store, claim));
                }));
    }

    private Mono<Void> answer(ServerWebExchange exchange, WebFilterChain chain, IdempotencyStore store,
            IdempotencyStore.Claim claim) {
        return switch (claim) {
            case IdempotencyStore.Claim.Claimed claimed -> {
                count("served");
                yield serve(exchange, chain, store, claimed);
            }
            case IdempotencyStore.Claim.Kept kept -> {
                count("replayed");
                yield replay(exchange.getResponse(), kept.response());
            }
            case IdempotencyStore.Claim.InFlight inFlight -> {
                count("in_flight");
                yield Mono.error(new ApiErrorException(ApiError.retryable(ErrorCode.IDEMPOTENCY_KEY_IN_USE,
                        "A request with this Idempotency-Key is still being served; retry shortly for its response.",
                        IN_USE_RETRY_AFTER)));
            }
            case IdempotencyStore.Claim.Mismatch mismatch -> {
                count("mismatch");
                yield Mono.error(new ApiErrorException(ApiError.of(ErrorCode.IDEMPOTENCY_KEY_REUSED,
                        "This Idempotency-Key was used for a different request (another body, path or session "
                                + "headers); use a new key for a new request.")));
            }
            case IdempotencyStore.Claim.Unchecked unchecked -> unchecked(exchange, chain, unchecked.failure())
                    .doFinally(signal -> giveBack(store, unchecked.claim()).subscribe());
            case IdempotencyStore.Claim.NotKept notKept -> {
                count("not_kept");
                yield Mono.error(new ApiErrorException(ApiError.of(ErrorCode.IDEMPOTENT_RESPONSE_NOT_KEPT,
                        "The request with this Idempotency-Key was served, but its response"
                                + (notKept.bytes() >= 0 ? " (" + notKept.bytes() + " bytes)" : "")
                                + " was too large to keep; it is not run again. Use a new key to run it again.")));
            }
        };
    }

    private Mono<Void> serve(ServerWebExchange exchange, WebFilterChain chain, IdempotencyStore store,
            IdempotencyStore.Claim.Claimed claim) {
        RecordingResponse recording = new RecordingResponse(exchange.getResponse(),
                properties.maxResponseBytes().toBytes());
        return chain.filter(exchange.mutate().response(recording).build())
                .then(Mono.defer(() -> finish(store, claim, recording)))
                .onErrorResume(failure -> giveBack(store, claim).then(Mono.error(failure)))
                // A client gone mid-answer: its repeat may be served again (the engine's work was cancelled with it).
                .doOnCancel(() -> giveBack(store, claim).subscribe());
    }

    private Mono<Void> finish(IdempotencyStore store, IdempotencyStore.Claim.Claimed claim,
            RecordingResponse recording) {
        HttpStatusCode status = recording.getStatusCode();
        if (status == null || !keepable(status.value()) || recording.brokenStream()) {
            // A stream that ended without [DONE] (cut at its deadline, broken off) is no answer to keep.
            return giveBack(store, claim);
        }
        Mono<Void> finished = recording.complete()
                ? store.keep(claim, new KeptResponse(status.value(), describingHeaders(recording.getHeaders()),
                        recording.body()))
                : store.servedNotKept(claim, status.value(), recording.size());
        return finished.onErrorResume(failure -> {
            // The client has its answer; a repeat will find the claim until its lease ends.
            storeFailed(failure);
            return Mono.empty();
        });
    }

    private Mono<Void> giveBack(IdempotencyStore store, IdempotencyStore.Claim.Claimed claim) {
        return store.release(claim).onErrorResume(failure -> {
            storeFailed(failure);
            return Mono.empty();
        });
    }

    private Mono<Void> unchecked(ServerWebExchange exchange, WebFilterChain chain, Throwable failure) {
        storeFailed(failure);
        if (properties.onStoreFailure() == IdempotencyProperties.StoreFailure.DENY) {
            count("refused");
            return Mono.error(new ApiErrorException(ApiError.retryable(ErrorCode.IDEMPOTENCY_STORE_UNAVAILABLE,
                    "Idempotency-Key cannot be checked right now; retry shortly.", STORE_RETRY_AFTER)));
        }
        count("unchecked");
        return chain.filter(exchange);
    }

    private void storeFailed(Throwable failure) {
        // Once per period, not per request: an outage of Redis must not flood the logs (the counter has each one).
        long now = System.nanoTime();
        long last = lastWarned.get();
        if (now - last >= WARN_INTERVAL_NANOS && lastWarned.compareAndSet(last, now)) {
            log.warn("Idempotency keys cannot be checked or recorded ({}): {} until Redis answers again",
                    failure.getClass().getSimpleName(), properties.onStoreFailure() == IdempotencyProperties
                            .StoreFailure.ALLOW ? "serving requests without the guarantee" : "refusing them");
        }
        meters.counter("warmpath.gateway.idempotency.store.failures").increment();
    }

    private static Mono<Void> replay(ServerHttpResponse response, KeptResponse kept) {
        response.setStatusCode(HttpStatusCode.valueOf(kept.status()));
        kept.headers().forEach(header -> response.getHeaders().add(header.getKey(), header.getValue()));
        response.getHeaders().set(WarmpathHeaders.IDEMPOTENT_REPLAYED, "true");
        response.getHeaders().setContentLength(kept.body().length);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(kept.body())));
    }

    /** Kept: a success, or a client error the same request will always get. */
    private static boolean keepable(int status) {
        return status >= 200 && status < 500 && status != 408 && status != 409 && status != 425 && status != 429;
    }

    /** The headers a repeat gets again: what the body is, and Warmpath's own account of the turn. */
    private static List<Map.Entry<String, String>> describingHeaders(HttpHeaders headers) {
        List<Map.Entry<String, String>> kept = new ArrayList<>();
        headers.forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            boolean describes = lower.equals("content-type")
                    || lower.startsWith(WarmpathHeaders.PREFIX) && !INTERNAL_HEADERS.contains(lower);
            if (describes) {
                values.forEach(value -> kept.add(Map.entry(name, value)));
            }
        });
        return kept;
    }

    /** A key belongs to its caller: the tenant and, within it, the API key or the token's subject. */
    private static String scopeOf(Caller caller) {
        String who = caller.apiKey() != null ? "key:" + caller.apiKey().id()
                : "sub:" + (caller.subject() == null ? "" : caller.subject());
        return caller.tenant() + "\u0000" + who;
    }

    private static List<String> meaningfulHeaders(ServerHttpRequest request) {
        List<String> values = new ArrayList<>(MEANINGFUL_HEADERS.size());
        for (String name : MEANINGFUL_HEADERS) {
            values.add(String.join(",", request.getHeaders().getOrEmpty(name)));
        }
        return values;
    }

    private static boolean covered(ServerHttpRequest request) {
        String path = request.getPath().value();
        return COVERED_PATHS.contains(path) || TOOL_INVOCATION.matches(request.getPath().pathWithinApplication());
    }

    private void count(String outcome) {
        meters.counter("warmpath.gateway.idempotency.requests", "outcome", outcome).increment();
    }
}
