package io.warmpath.policy.client;

import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;

import com.github.benmanes.caffeine.cache.AsyncCacheLoader;
import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.channel.ChannelOption;
import io.netty.handler.timeout.ReadTimeoutException;
import io.warmpath.contracts.policy.DecisionAnswer;
import io.warmpath.contracts.policy.DecisionAnswers;
import io.warmpath.contracts.policy.DecisionBatch;
import io.warmpath.contracts.policy.DecisionRequest;
import io.warmpath.contracts.policy.PolicyServiceApi;
import io.warmpath.contracts.policy.Principal;
import io.warmpath.policy.client.Decision.Outcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import org.springframework.web.reactive.function.client.support.WebClientAdapter;
import org.springframework.web.service.invoker.HttpServiceProxyFactory;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * Asks policy-service for decisions, failing closed.
 *
 * <ul>
 *   <li>{@link #decide(List)} never fails: a deny, an error answer, a timeout (the
 *       {@linkplain PolicyClientSettings#deadline() deadline}) or an unreachable service all come back as denies, with
 *       {@link Outcome} saying which.</li>
 *   <li>Decisions are held in a Caffeine {@link AsyncLoadingCache} keyed by the whole question: questions of one
 *       batch that it does not hold go to policy-service in one call, and concurrent askers of the same question
 *       share one load. Allows are kept for {@linkplain PolicyClientSettings#allowTtl() a few seconds} and refreshed
 *       in the background after half of that, so a busy question never waits for policy-service; denies are never
 *       kept, so a policy that starts to allow takes effect at once and one that stops allowing within the TTL. A
 *       refresh that gets no decision (policy-service down) keeps the allow until it expires, no longer.</li>
 *   <li>Each call carries the internal assertion {@link PolicyCredentials} gives for the principal asked about.</li>
 *   <li>Metrics: {@code warmpath.policy.client.decisions{result, cause}} (allow: {@code policy} or {@code cache};
 *       deny: {@code denied}, {@code rejected}, {@code error}, {@code timeout}, {@code unavailable}) and the timer
 *       {@code warmpath.policy.client.calls{outcome}}. No tenant or principal labels.</li>
 * </ul>
 * Thread-safe; create one per service.
 */
public final class PolicyClient {

    private static final Logger log = LoggerFactory.getLogger(PolicyClient.class);

    static final String DECISIONS_METRIC = "warmpath.policy.client.decisions";
    static final String CALLS_METRIC = "warmpath.policy.client.calls";

    private final PolicyServiceApi api;
    private final PolicyCredentials credentials;
    private final Duration deadline;
    private final AsyncLoadingCache<DecisionRequest, Decision> decisions;
    private final MeterRegistry meters;
    private final Counter servedFromCache;

    PolicyClient(PolicyClientSettings settings, MeterRegistry meters, PolicyCredentials credentials, Ticker ticker) {
        this.deadline = settings.deadline();
        this.credentials = credentials;
        int deadlineMillis = Math.toIntExact(Math.max(1, deadline.toMillis()));
        // The deadline is the Mono's timeout below, over the whole call; a response timeout on the connection too
        // would fire after it had cancelled the call, as an error nobody is left to handle.
        HttpClient httpClient = HttpClient.create().option(ChannelOption.CONNECT_TIMEOUT_MILLIS, deadlineMillis);
        WebClient webClient = WebClient.builder()
                .baseUrl(settings.url().toString())
                .clientConnector(new ReactorClientHttpConnector(httpClient))
                .build();
        this.api = HttpServiceProxyFactory.builderFor(WebClientAdapter.create(webClient)).build()
                .createClient(PolicyServiceApi.class);
        Duration allowTtl = settings.allowTtl();
        this.decisions = Caffeine.newBuilder()
                .maximumSize(settings.cacheSize())
                .expireAfter(Expiry.<DecisionRequest, Decision>writing((question, decision) ->
                        decision.allowed() ? allowTtl : Duration.ZERO))
                .refreshAfterWrite(allowTtl.dividedBy(2).isZero() ? Duration.ofNanos(1) : allowTtl.dividedBy(2))
                .executor(Runnable::run)
                .ticker(ticker)
                .buildAsync(new Loader());
        this.meters = meters;
        this.servedFromCache = decisions("allow", "cache");
    }

    /** A client with its own connection pool; calls carry the assertions {@code credentials} give. */
    public static PolicyClient create(PolicyClientSettings settings, MeterRegistry meters,
            PolicyCredentials credentials) {
        return new PolicyClient(settings, meters, credentials, Ticker.systemTicker());
    }

    /** One decision; see {@link #decide(List)}. */
    public Mono<Decision> decide(DecisionRequest request) {
        return decide(List.of(request)).map(List::getFirst);
    }

    /**
     * Decisions for a batch, in the order of {@code requests}: held ones at once, the rest from policy-service in one
     * call. Never completes with an error.
     */
    public Mono<List<Decision>> decide(List<DecisionRequest> requests) {
        for (DecisionRequest request : requests) {
            CompletableFuture<Decision> held = decisions.asMap().get(request);
            if (held != null && held.isDone() && !held.isCompletedExceptionally() && held.join().allowed()) {
                servedFromCache.increment();
            }
        }
        return Mono.fromFuture(() -> decisions.getAll(requests), true)
                .map(answered -> requests.stream().map(answered::get).toList())
                // Every load completes with decisions; this is for a failure of the cache itself.
                .onErrorResume(failure -> Mono.just(failedClosed(requests.size(), Outcome.ERROR, failure)));
    }

    /** Forgets every decision held (for tests and after a known policy change). */
    public void invalidateAll() {
        decisions.synchronous().invalidateAll();
    }

    /** How many allows the cache holds right now; for tests. */
    long cachedAllows() {
        decisions.synchronous().cleanUp();
        return decisions.synchronous().asMap().values().stream().filter(Decision::allowed).count();
    }

    /** Loads what the cache does not hold: one call per caller asked about (one, for a caller's batch). */
    private final class Loader implements AsyncCacheLoader<DecisionRequest, Decision> {

        @Override
        public CompletableFuture<Decision> asyncLoad(DecisionRequest question, Executor executor) {
            return ask(List.of(question)).map(List::getFirst).toFuture();
        }

        @Override
        public CompletableFuture<Map<DecisionRequest, Decision>> asyncLoadAll(
                Set<? extends DecisionRequest> questions, Executor executor) {
            // One call per caller: questions about the same tenant and subject share a credential.
            Map<List<Object>, List<DecisionRequest>> byPrincipal = new LinkedHashMap<>();
            for (DecisionRequest question : questions) {
                Principal principal = question.principal();
                List<Object> caller = principal == null ? List.of() : java.util.Arrays.asList(principal.tenant(),
                        principal.id());
                byPrincipal.computeIfAbsent(caller, key -> new ArrayList<>()).add(question);
            }
            List<Mono<Map<DecisionRequest, Decision>>> calls = byPrincipal.values().stream()
                    .map(asked -> ask(asked).map(answers -> {
                        Map<DecisionRequest, Decision> decided = new HashMap<>();
                        for (int i = 0; i < asked.size(); i++) {
                            decided.put(asked.get(i), answers.get(i));
                        }
                        return decided;
                    }))
                    .toList();
            return Mono.zip(calls, parts -> {
                Map<DecisionRequest, Decision> all = new HashMap<>();
                for (Object part : parts) {
                    @SuppressWarnings("unchecked")
                    Map<DecisionRequest, Decision> decided = (Map<DecisionRequest, Decision>) part;
                    all.putAll(decided);
                }
                return all;
            }).toFuture();
        }

        /** A refresh that gets no decision fails, so the held allow stays until it expires, and no longer. */
        @Override
        public CompletableFuture<Decision> asyncReload(DecisionRequest question, Decision held, Executor executor) {
            return ask(List.of(question)).map(List::getFirst).<Decision>handle((decision, sink) -> {
                if (decision.outcome() == Outcome.ALLOW || decision.outcome() == Outcome.DENIED) {
                    sink.next(decision);
                }
                else {
                    sink.error(new CompletionException(new IllegalStateException(
                            "no decision on refresh: " + decision.outcome().tag())));
                }
            }).toFuture();
        }
    }

    private Mono<List<Decision>> ask(List<DecisionRequest> asked) {
        String assertion = credentials.assertionFor(asked.getFirst().principal());
        if (assertion == null) {
            return Mono.just(count(failedClosed(asked.size(), Outcome.ERROR, "no credential to ask policy-service with")));
        }
        Timer.Sample sample = Timer.start(meters);
        return Mono.defer(() -> api.decide("Bearer " + assertion, new DecisionBatch(asked)))
                .map(answers -> toDecisions(answers, asked.size()))
                .defaultIfEmpty(failedClosed(asked.size(), Outcome.ERROR, "policy-service sent no decisions"))
                .timeout(deadline)
                .onErrorResume(failure -> Mono.just(failedClosed(asked.size(), causeOf(failure), failure)))
                .doOnNext(decisions -> sample.stop(callTimer(decisions)))
                .map(this::count);
    }

    private List<Decision> count(List<Decision> decided) {
        for (Decision decision : decided) {
            decisions(decision.allowed() ? "allow" : "deny",
                    decision.allowed() ? "policy" : decision.outcome().tag()).increment();
        }
        return decided;
    }

    private static List<Decision> toDecisions(DecisionAnswers answers, int expected) {
        if (answers.decisions() == null || answers.decisions().size() != expected) {
            return failedClosed(expected, Outcome.ERROR, "policy-service sent the wrong number of decisions");
        }
        return answers.decisions().stream().map(PolicyClient::toDecision).toList();
    }

    /** Only an explicit {@code "allow"} allows; anything else, including a decision we cannot read, denies. */
    private static Decision toDecision(DecisionAnswer answer) {
        List<String> policies = answer.policies() == null ? List.of() : answer.policies();
        String reason = answer.reason() == null ? "" : answer.reason();
        if (DecisionAnswer.ALLOW.equals(answer.decision())) {
            return new Decision(Outcome.ALLOW, policies, reason);
        }
        if (DecisionAnswer.DENY.equals(answer.decision())) {
            return new Decision(Outcome.DENIED, policies, reason);
        }
        return Decision.failedClosed(Outcome.ERROR, "policy-service sent an unreadable decision");
    }

    private static Outcome causeOf(Throwable failure) {
        if (failure instanceof WebClientResponseException answered) {
            return switch (answered.getStatusCode().value()) {
                // The question itself was refused: a principal policy cannot work with (a bad clearance or region).
                case 400 -> Outcome.REJECTED;
                case 503 -> Outcome.UNAVAILABLE;
                default -> Outcome.ERROR;
            };
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof TimeoutException || cause instanceof ReadTimeoutException) {
                return Outcome.TIMEOUT;
            }
            if (cause instanceof ConnectException) {
                return Outcome.UNAVAILABLE;
            }
        }
        return failure instanceof WebClientRequestException ? Outcome.UNAVAILABLE : Outcome.ERROR;
    }

    private static List<Decision> failedClosed(int count, Outcome cause, Throwable failure) {
        // The exception type only: messages of connection errors carry addresses, and nothing here is actionable
        // per request (the metrics carry the rates).
        log.debug("Policy decision failed closed ({}): {}", cause.tag(), failure.getClass().getSimpleName());
        return failedClosed(count, cause, "policy-service " + switch (cause) {
            case TIMEOUT -> "did not answer within the deadline";
            case UNAVAILABLE -> "is unavailable";
            case REJECTED -> "refused the question (the caller's claims)";
            default -> "failed";
        });
    }

    private static List<Decision> failedClosed(int count, Outcome cause, String reason) {
        return Collections.nCopies(count, Decision.failedClosed(cause, "denied (fail closed): " + reason));
    }

    private Timer callTimer(List<Decision> decided) {
        String outcome = decided.stream()
                .map(Decision::outcome)
                .filter(o -> o != Outcome.ALLOW && o != Outcome.DENIED)
                .findFirst()
                .map(Outcome::tag)
                .orElse("answered");
        return Timer.builder(CALLS_METRIC)
                .description("Calls to policy-service, by outcome (answered, rejected, error, timeout, unavailable)")
                .tag("outcome", outcome)
                .register(meters);
    }

    private Counter decisions(String result, String cause) {
        return Counter.builder(DECISIONS_METRIC)
                .description("Policy decisions the client returned, by result and cause")
                .tags("result", result, "cause", cause)
                .register(meters);
    }
}
