package io.warmpath.policy.client;

import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.channel.ChannelOption;
import io.netty.handler.timeout.ReadTimeoutException;
import io.warmpath.policy.client.Decision.Outcome;
import io.warmpath.policy.client.DecisionMessages.Answer;
import io.warmpath.policy.client.DecisionMessages.Answers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * Asks policy-service for decisions, failing closed.
 *
 * <ul>
 *   <li>{@link #decide(List)} sends one batch for every request not answered from the cache, and never fails: a
 *       deny, an error answer, a timeout (the {@linkplain PolicyClientSettings#deadline() deadline}) or an
 *       unreachable service all come back as denies, with {@link Outcome} saying which.</li>
 *   <li>Allows are cached for {@linkplain PolicyClientSettings#allowTtl() a few seconds}, keyed by the whole request;
 *       denies never are, so a policy that starts to allow takes effect at once and one that stops allowing within
 *       the TTL.</li>
 *   <li>Metrics: {@code warmpath.policy.client.decisions{result, cause}} (allow: {@code policy} or {@code cache};
 *       deny: {@code denied}, {@code error}, {@code timeout}, {@code unavailable}) and the timer
 *       {@code warmpath.policy.client.calls{outcome}}. No tenant or principal labels.</li>
 * </ul>
 * Thread-safe; create one per service.
 */
public final class PolicyClient {

    private static final Logger log = LoggerFactory.getLogger(PolicyClient.class);

    static final String DECISIONS_METRIC = "warmpath.policy.client.decisions";
    static final String CALLS_METRIC = "warmpath.policy.client.calls";

    private final WebClient webClient;
    private final Duration deadline;
    private final Cache<DecisionRequest, Decision> allows;
    private final ConcurrentMap<List<DecisionRequest>, Mono<List<Decision>>> inFlight = new ConcurrentHashMap<>();
    private final MeterRegistry meters;
    private final Counter servedFromCache;

    PolicyClient(PolicyClientSettings settings, MeterRegistry meters, Ticker ticker) {
        this.deadline = settings.deadline();
        int deadlineMillis = Math.toIntExact(Math.max(1, deadline.toMillis()));
        // The deadline is the Mono's timeout below, over the whole call; a response timeout on the connection too
        // would fire after it had cancelled the call, as an error nobody is left to handle.
        HttpClient httpClient = HttpClient.create()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, deadlineMillis);
        this.webClient = WebClient.builder()
                .baseUrl(settings.url().toString())
                .clientConnector(new ReactorClientHttpConnector(httpClient))
                .build();
        this.allows = Caffeine.newBuilder()
                .expireAfterWrite(settings.allowTtl())
                .maximumSize(settings.cacheSize())
                .ticker(ticker)
                .build();
        this.meters = meters;
        this.servedFromCache = decisions("allow", "cache");
    }

    /** A client with its own connection pool and the given settings; metrics go to {@code meters}. */
    public static PolicyClient create(PolicyClientSettings settings, MeterRegistry meters) {
        return new PolicyClient(settings, meters, Ticker.systemTicker());
    }

    /** One decision; see {@link #decide(List)}. */
    public Mono<Decision> decide(DecisionRequest request) {
        return decide(List.of(request)).map(List::getFirst);
    }

    /**
     * Decisions for a batch, in the order of {@code requests}. Cached allows are answered locally; the rest go to
     * policy-service in one call. Never completes with an error.
     */
    public Mono<List<Decision>> decide(List<DecisionRequest> requests) {
        Decision[] answers = new Decision[requests.size()];
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < answers.length; i++) {
            Decision cached = allows.getIfPresent(requests.get(i));
            if (cached != null) {
                servedFromCache.increment();
                answers[i] = cached;
            }
            else {
                missing.add(i);
            }
        }
        if (missing.isEmpty()) {
            return Mono.just(List.of(answers));
        }
        List<DecisionRequest> asked = missing.stream().map(requests::get).toList();
        // Requests that miss the cache at once (it just expired, and every turn in flight asks the same questions)
        // share one call.
        // Removed before the answer reaches anyone (a caller that asks again after its answer makes a new call), and
        // only if it is still this call: a later one may have taken its place between the answer and the completion.
        Mono<List<Decision>> call = inFlight.computeIfAbsent(asked, questions -> {
            AtomicReference<Mono<List<Decision>>> self = new AtomicReference<>();
            self.set(ask(questions).doOnEach(signal -> inFlight.remove(questions, self.get())).cache());
            return self.get();
        });
        return call.map(fresh -> {
            for (int j = 0; j < fresh.size(); j++) {
                Decision decision = fresh.get(j);
                answers[missing.get(j)] = decision;
                if (decision.allowed()) {
                    allows.put(asked.get(j), decision);
                }
                decisions(decision.allowed() ? "allow" : "deny",
                        decision.allowed() ? "policy" : decision.outcome().tag()).increment();
            }
            return List.of(answers);
        });
    }

    /** Forgets every cached allow (for tests and after a known policy change). */
    public void invalidateAll() {
        allows.invalidateAll();
    }

    private Mono<List<Decision>> ask(List<DecisionRequest> asked) {
        Timer.Sample sample = Timer.start(meters);
        return webClient.post()
                .uri("/v1/decisions")
                .contentType(MediaType.APPLICATION_JSON)
                .accept(MediaType.APPLICATION_JSON)
                .bodyValue(new DecisionMessages.Batch(asked))
                .exchangeToMono(response -> read(response, asked.size()))
                .timeout(deadline)
                .onErrorResume(failure -> Mono.just(failedClosed(asked.size(), causeOf(failure), failure)))
                .doOnNext(decisions -> sample.stop(callTimer(decisions)));
    }

    private static Mono<List<Decision>> read(ClientResponse response, int expected) {
        int status = response.statusCode().value();
        if (status != 200) {
            Outcome cause = status == 503 ? Outcome.UNAVAILABLE : Outcome.ERROR;
            return response.releaseBody().thenReturn(failedClosed(expected, cause,
                    "policy-service answered " + status));
        }
        return response.bodyToMono(Answers.class)
                .map(answers -> toDecisions(answers, expected))
                .defaultIfEmpty(failedClosed(expected, Outcome.ERROR, "policy-service sent no decisions"));
    }

    private static List<Decision> toDecisions(Answers answers, int expected) {
        if (answers.decisions() == null || answers.decisions().size() != expected) {
            return failedClosed(expected, Outcome.ERROR, "policy-service sent the wrong number of decisions");
        }
        return answers.decisions().stream().map(PolicyClient::toDecision).toList();
    }

    /** Only an explicit {@code "allow"} allows; anything else, including a decision we cannot read, denies. */
    private static Decision toDecision(Answer answer) {
        List<String> policies = answer.policies() == null ? List.of() : answer.policies();
        String reason = answer.reason() == null ? "" : answer.reason();
        if ("allow".equals(answer.decision())) {
            return new Decision(Outcome.ALLOW, policies, reason);
        }
        if ("deny".equals(answer.decision())) {
            return new Decision(Outcome.DENIED, policies, reason);
        }
        return Decision.failedClosed(Outcome.ERROR, "policy-service sent an unreadable decision");
    }

    private static Outcome causeOf(Throwable failure) {
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
            default -> "failed";
        });
    }

    private static List<Decision> failedClosed(int count, Outcome cause, String reason) {
        return Collections.nCopies(count, Decision.failedClosed(cause, "denied (fail closed): " + reason));
    }

    private Timer callTimer(List<Decision> decisions) {
        String outcome = decisions.stream()
                .map(Decision::outcome)
                .filter(o -> o != Outcome.ALLOW && o != Outcome.DENIED)
                .findFirst()
                .map(Outcome::tag)
                .orElse("answered");
        return Timer.builder(CALLS_METRIC)
                .description("Calls to policy-service, by outcome (answered, error, timeout, unavailable)")
                .tag("outcome", outcome)
                .register(meters);
    }

    private Counter decisions(String result, String cause) {
        return Counter.builder(DECISIONS_METRIC)
                .description("Policy decisions the client returned, by result and cause")
                .tags("result", result, "cause", cause)
                .register(meters);
    }

    /** For tests: how many allows the cache holds right now. */
    long cachedAllows() {
        allows.cleanUp();
        return allows.estimatedSize();
    }
}
