package io.warmpath.gateway.sessions;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.warmpath.contracts.sessions.BindRequest;
import io.warmpath.contracts.sessions.Binding;
import io.warmpath.contracts.sessions.ResolvedSession;
import io.warmpath.gateway.security.Caller;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Sessions as routing sees them: resolutions from session-service, kept in a near cache so that a turn of a known
 * session never waits for session-service, and binding writes, which update the near cache so the next turn through
 * this gateway sees the new cell at once.
 *
 * <p>The near cache is keyed by tenant and affinity value. A resolution is fresh for {@code ttl}; after that, for up
 * to {@code maxStale} more, a turn is answered from it while a refresh runs in the background (stale while
 * revalidate), so a session whose turns are minutes apart still resolves in microseconds. The refresh drops a
 * session that session-service no longer knows. A token revoked or rotated at session-service may therefore keep
 * resolving here for one more turn, at most {@code ttl + maxStale} after it was last resolved; {@code maxStale} of
 * zero makes every turn after {@code ttl} wait for session-service.
 *
 * <p>A value session-service failed to resolve (timeout, connection failure, 5xx) is not asked about again for
 * {@code retryAfter}: its turns meanwhile get the same {@link Resolution.Unavailable} at once.
 */
public final class SessionDirectory {

    private static final Logger log = LoggerFactory.getLogger(SessionDirectory.class);

    private final SessionClient client;
    private final Cache<Key, Entry> nearCache;
    private final long ttlNanos;
    private final ConcurrentMap<Lookup, Mono<Resolution>> inFlight = new ConcurrentHashMap<>();
    /** Values session-service just failed to resolve: not asked again until retryAfter has passed. */
    private final Cache<Key, Resolution.Unavailable> recentlyUnavailable;
    private final Duration retryAfter;
    private final MeterRegistry meters;

    SessionDirectory(SessionClient client, Duration ttl, Duration maxStale, long nearCacheSize, Duration retryAfter,
            MeterRegistry meters) {
        this.client = client;
        this.ttlNanos = ttl.toNanos();
        this.nearCache = Caffeine.newBuilder().expireAfterWrite(ttl.plus(maxStale)).maximumSize(nearCacheSize).build();
        this.retryAfter = retryAfter;
        this.recentlyUnavailable = Caffeine.newBuilder().expireAfterWrite(retryAfter).maximumSize(nearCacheSize)
                .build();
        this.meters = meters;
    }

    /** Session tokens start with this; any other affinity value names an implicit session. */
    private static final String TOKEN_PREFIX = "wpt_";

    /**
     * Whether an affinity value is a session token (an explicit session, whose data class and region only
     * session-service knows) rather than a client-chosen key for an implicit session.
     */
    public static boolean isToken(String affinity) {
        return affinity.startsWith(TOKEN_PREFIX);
    }

    /** How soon a client may retry a turn refused because session-service is unavailable. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /**
     * Resolves an {@code x-session-affinity} value for the caller's tenant.
     *
     * @param workflow the request's {@code x-workflow}, checked against the session's; {@code null} to skip the check
     */
    public Mono<Resolution> resolve(Caller caller, String affinity, @Nullable String workflow) {
        long start = System.nanoTime();
        Key key = new Key(caller.tenant(), affinity);
        Entry cached = nearCache.getIfPresent(key);
        if (cached != null) {
            boolean fresh = start - cached.resolvedAtNanos() < ttlNanos;
            ResolvedSession session = cached.session();
            // As session-service checks: a session opened without a workflow accepts any.
            Resolution answer = workflow != null && session.workflow() != null && !workflow.equals(session.workflow())
                    ? new Resolution.WorkflowMismatch() : new Resolution.Found(session);
            record(answer, fresh ? "cached" : "stale", start);
            if (!fresh && recentlyUnavailable.getIfPresent(key) == null) {
                // Sending a request costs the calling thread most of a millisecond: not this turn's thread.
                Schedulers.parallel().schedule(() -> refresh(caller, affinity, key));
            }
            return Mono.just(answer);
        }
        Resolution.Unavailable unavailable = recentlyUnavailable.getIfPresent(key);
        if (unavailable != null) {
            // A failing session-service is not sent the same question again on every turn: each retry would add to
            // the load it cannot serve, and every turn would wait out the timeout.
            record(unavailable, null, start);
            return Mono.just(unavailable);
        }
        return lookup(caller, affinity, workflow, key)
                .doOnNext(resolution -> record(resolution, null, start));
    }

    /** Asks session-service again in the background; the stale entry answers meanwhile. */
    private void refresh(Caller caller, String affinity, Key key) {
        lookup(caller, affinity, null, key).subscribe(resolution -> {
            // A session that session-service no longer knows (closed, revoked, rotated away) leaves the near cache;
            // an outage does not: a turn past the ttl tries again once retry-after has passed.
            if (!(resolution instanceof Resolution.Found || resolution instanceof Resolution.Unavailable)) {
                nearCache.invalidate(key);
            }
        });
    }

    /** One call to session-service; concurrent turns of one session (an agent fanning out tool calls) share it. */
    private Mono<Resolution> lookup(Caller caller, String affinity, @Nullable String workflow, Key key) {
        Lookup lookup = new Lookup(caller.tenant(), affinity, workflow);
        return inFlight.computeIfAbsent(lookup, ignored -> {
            AtomicReference<Mono<Resolution>> self = new AtomicReference<>();
            self.set(client.resolve(caller, affinity, workflow)
                    .doOnNext(resolution -> {
                        switch (resolution) {
                            case Resolution.Found found ->
                                    nearCache.put(key, new Entry(found.session(), System.nanoTime()));
                            // Shedding load is cheap for session-service, and the next turn may well get through: a
                            // turn routed without its session skips its budget, so that is kept as rare as possible.
                            case Resolution.Unavailable unavailable when !unavailable.overloaded() ->
                                    recentlyUnavailable.put(key, unavailable);
                            default -> {
                                // nothing to remember: not found, mismatch and refusals are decided again each turn
                            }
                        }
                    })
                    // Gone before the answer reaches anyone: a turn asking after it got its answer starts a new call.
                    // Only this call's entry: a new one may have taken its place between the answer and the completion.
                    .doOnEach(signal -> inFlight.remove(lookup, self.get()))
                    .cache());
            return self.get();
        });
    }

    /**
     * Stores the cell routing chose for a session whose binding is new or moved. Returns at once: the write runs in
     * the background, compare-and-set on the binding's epoch (0 for a session never bound). The near cache has the new cell immediately and the
     * stored epoch when the write returns; a conflict or failure drops the session from the near cache, so its next
     * turn asks session-service again.
     *
     * @param session the session as resolved for this turn (its binding is the one being replaced)
     * @param reason  {@code new}, {@code rebind_unhealthy}, {@code rebind_slow}, {@code rebind_model} or {@code rebind_gone}
     */
    public void storeBinding(Caller caller, String affinity, ResolvedSession session, String cellId, String model,
            String reason) {
        Key key = new Key(caller.tenant(), affinity);
        Binding previous = session.binding();
        // Epoch 0 is "never bound": of two concurrent first turns, the second write conflicts instead of winning.
        long expectedEpoch = previous == null ? 0 : previous.epoch();
        Binding optimistic = new Binding(cellId, model, null, expectedEpoch,
                previous == null ? null : previous.lastPromptTokens());
        rebind(key, session, optimistic);
        client.bind(caller, session.sessionId(), new BindRequest(cellId, model, expectedEpoch, reason))
                .subscribe(write -> {
                    switch (write) {
                        case SessionClient.BindingWrite.Stored stored -> rebind(key, session, stored.binding());
                        case SessionClient.BindingWrite.Conflict conflict -> nearCache.invalidate(key);
                        case SessionClient.BindingWrite.Failed failed -> {
                            nearCache.invalidate(key);
                            // The cell id and the cause only: session ids and affinity values stay out of logs.
                            log.warn("Storing a session binding to cell {} failed ({})", cellId, failed.cause());
                        }
                    }
                    writes(write).increment();
                });
    }

    /**
     * Drops what the near cache holds of a session that was just closed, or whose token was rotated, through this
     * gateway, so that its old values stop resolving here at once rather than after the near cache's staleness. A
     * scan of the near cache: closing and rotating are rare next to turns.
     */
    public void forget(String tenant, String sessionId) {
        nearCache.asMap().entrySet().removeIf(entry -> entry.getKey().tenant().equals(tenant)
                && entry.getValue().session().sessionId().equals(sessionId));
    }

    /** Puts a binding into the near cache's entry for the session, unless the value names another session by now. */
    private void rebind(Key key, ResolvedSession session, Binding binding) {
        nearCache.asMap().computeIfPresent(key, (k, known) -> known.session().sessionId().equals(session.sessionId())
                ? new Entry(known.session().withBinding(binding), known.resolvedAtNanos()) : known);
    }

    /**
     * Times a resolution by outcome; {@code fromNearCache} is {@code cached} or {@code stale} for a session answered
     * from the near cache, {@code null} when session-service was asked.
     */
    private void record(Resolution resolution, @Nullable String fromNearCache, long startNanos) {
        String outcome = switch (resolution) {
            case Resolution.Found found -> fromNearCache != null ? fromNearCache : "resolved";
            case Resolution.NotFound notFound -> "not_found";
            case Resolution.WorkflowMismatch mismatch -> "workflow_mismatch";
            case Resolution.Rejected rejected -> "rejected";
            case Resolution.Refused refused -> "refused";
            case Resolution.Unavailable unavailable -> "unavailable";
        };
        Timer.builder("warmpath.gateway.sessions.resolutions")
                .description("Time to resolve an affinity value, by outcome (cached and stale: answered by the near "
                        + "cache; stale also started a refresh)")
                .tag("outcome", outcome)
                // Buckets from 1 us: the near cache answers in microseconds, session-service in milliseconds.
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(1_000))
                .maximumExpectedValue(Duration.ofSeconds(1))
                .register(meters)
                .record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    private Counter writes(SessionClient.BindingWrite write) {
        String result = switch (write) {
            case SessionClient.BindingWrite.Stored stored -> "stored";
            case SessionClient.BindingWrite.Conflict conflict -> "conflict";
            case SessionClient.BindingWrite.Failed failed -> "failed";
        };
        return Counter.builder("warmpath.gateway.binding.writes")
                .description("Session binding writes to session-service, by result")
                .tag("result", result)
                .register(meters);
    }

    /** One resolution under way: the workflow is part of it, since session-service checks it. */
    private record Lookup(String tenant, String affinity, @Nullable String workflow) {
    }

    private record Key(String tenant, String affinity) {
    }

    private record Entry(ResolvedSession session, long resolvedAtNanos) {
    }
}
