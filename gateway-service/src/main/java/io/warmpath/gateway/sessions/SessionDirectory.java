package io.warmpath.gateway.sessions;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import com.github.benmanes.caffeine.cache.AsyncCacheLoader;
import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.warmpath.contracts.sessions.BindRequest;
import io.warmpath.contracts.sessions.Binding;
import io.warmpath.contracts.sessions.ResolvedSession;
import io.warmpath.contracts.sessions.WireFormats;
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
 * <p>The near cache is a Caffeine {@link AsyncLoadingCache} keyed by tenant and affinity value: concurrent turns of
 * one session (an agent fanning out tool calls) share one call to session-service. A resolution is fresh for
 * {@code ttl}; after that, for up to {@code maxStale} more, a turn is answered from it while a refresh runs in the
 * background (stale while revalidate), so a session whose turns are minutes apart still resolves in microseconds. The
 * refresh drops a session that session-service no longer knows, and keeps it through an outage until its
 * {@code ttl + maxStale} have passed. A token revoked or rotated at session-service may therefore keep resolving here
 * for one more turn, at most {@code ttl + maxStale} after it was last resolved; {@code maxStale} of zero makes every
 * turn after {@code ttl} wait for session-service. The workflow check is local: session-service's rule, applied to
 * the session it resolved.
 *
 * <p>A value session-service failed to resolve (timeout, connection failure, 5xx) is not asked about again for
 * {@code retryAfter}: its turns meanwhile get the same {@link Resolution.Unavailable} at once. Any other answer (not
 * found, refused, shed for load) is decided again on the next turn.
 */
public final class SessionDirectory {

    private static final Logger log = LoggerFactory.getLogger(SessionDirectory.class);

    private static final Pattern WORKFLOW = Pattern.compile(WireFormats.WORKFLOW);

    /** Session tokens start with this; any other affinity value names an implicit session. */
    private static final String TOKEN_PREFIX = "wpt_";

    private final SessionClient client;
    private final AsyncLoadingCache<Key, Entry> nearCache;
    /**
     * Per session (tenant and affinity value), about how much prompt the last cell of each model that served it holds:
     * a session that moved to another model is still warm on the one it left, for a while.
     */
    private final Cache<Key, Map<String, Long>> heldByModel;
    /** How long a session's prompt is taken as held by a model's cell after its last turn there. */
    private static final Duration HELD_PROMPTS_IDLE = Duration.ofHours(1);

    private final Ticker ticker;
    private final long ttlNanos;
    private final long lifetimeNanos;
    private final Duration retryAfter;
    private final MeterRegistry meters;

    SessionDirectory(SessionClient client, Duration ttl, Duration maxStale, long nearCacheSize, Duration retryAfter,
            Ticker ticker, MeterRegistry meters) {
        this.client = client;
        this.ticker = ticker;
        this.ttlNanos = ttl.toNanos();
        this.lifetimeNanos = ttl.plus(maxStale).toNanos();
        this.retryAfter = retryAfter;
        this.meters = meters;
        // Caffeine's expiry only frees memory; whether an entry may answer is decided on each read (usable), since
        // Caffeine starts an entry's clock a moment after the turn that loaded it has its answer.
        this.nearCache = Caffeine.newBuilder()
                .maximumSize(nearCacheSize)
                .expireAfter(Expiry.<Key, Entry>writing((key, entry) ->
                        Duration.ofNanos(Math.max(0, entry.resolvedAtNanos() + keepNanos(entry) - ticker.read()))))
                .ticker(ticker)
                .buildAsync(new Loader());
        this.heldByModel = Caffeine.newBuilder().maximumSize(nearCacheSize).expireAfterAccess(HELD_PROMPTS_IDLE)
                .ticker(ticker).build();
    }

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
        if (workflow != null && !WORKFLOW.matcher(workflow).matches()) {
            Resolution rejected = new Resolution.Rejected();
            record(rejected, null, start);
            return Mono.just(rejected);
        }
        Key key = new Key(caller.tenant(), affinity, caller, isToken(affinity) ? null : workflow);
        // Looked up before loading: a load that completes at once is still this turn's resolution, not a cache hit.
        CompletableFuture<Entry> present = nearCache.getIfPresent(key);
        Entry known = present == null ? null : present.getNow(null);
        if (known != null && !usable(known)) {
            nearCache.asMap().remove(key, present);
            known = null;
        }
        if (known != null) {
            Resolution answer = checked(known.resolution(), workflow);
            boolean stale = ticker.read() - known.resolvedAtNanos() >= ttlNanos;
            if (stale && known.resolution() instanceof Resolution.Found) {
                refreshIfDue(key, known);
            }
            record(answer, stale ? "stale" : "cached", start);
            return Mono.just(answer);
        }
        return Mono.fromFuture(nearCache.get(key), true)
                .map(entry -> checked(entry.resolution(), workflow))
                .doOnNext(resolution -> record(resolution, null, start));
    }

    /** Whether an entry may still answer: see {@link #keepNanos}. */
    private boolean usable(Entry entry) {
        return ticker.read() - entry.resolvedAtNanos() < keepNanos(entry);
    }

    /**
     * How long an entry may answer after it was resolved: a session for {@code ttl + maxStale}, a failure to resolve
     * for {@code retryAfter} (its turns meanwhile fail at once rather than each adding to the load session-service
     * cannot serve), anything else not at all (the turns that waited for it still get it).
     */
    private long keepNanos(Entry entry) {
        return switch (entry.resolution()) {
            case Resolution.Found found -> lifetimeNanos;
            case Resolution.Unavailable unavailable when !unavailable.overloaded() -> retryAfter.toNanos();
            default -> 0;
        };
    }

    /**
     * Starts a background refresh of a stale session unless one ran within {@code retryAfter}; Caffeine runs at most
     * one per key. The stale entry answers meanwhile.
     */
    private void refreshIfDue(Key key, Entry known) {
        long now = ticker.read();
        long due = known.nextRefreshNanos().get();
        if (now >= due && known.nextRefreshNanos().compareAndSet(due, now + retryAfter.toNanos())) {
            // Starting a call costs the calling thread more than the whole answer from the near cache: not this
            // turn's thread.
            Schedulers.parallel().schedule(() -> nearCache.synchronous().refresh(key));
        }
    }

    /** As session-service checks: a session opened without a workflow accepts any. */
    private static Resolution checked(Resolution resolution, @Nullable String workflow) {
        if (resolution instanceof Resolution.Found found && workflow != null && found.session().workflow() != null
                && !workflow.equals(found.session().workflow())) {
            return new Resolution.WorkflowMismatch();
        }
        return resolution;
    }

    /** Calls session-service: for a first resolution, and in the background for a refresh. */
    private final class Loader implements AsyncCacheLoader<Key, Entry> {

        /**
         * An implicit session opens with the workflow of the turn that opens it. Asked with a workflow the session
         * does not have, session-service refuses: the session is then resolved without one, so that the cache holds
         * the session itself, and each turn's workflow is checked against it.
         */
        @Override
        public CompletableFuture<Entry> asyncLoad(Key key, Executor executor) {
            return client.resolve(key.caller(), key.affinity(), key.openingWorkflow())
                    .flatMap(resolution -> resolution instanceof Resolution.WorkflowMismatch
                            && key.openingWorkflow() != null
                            ? client.resolve(key.caller(), key.affinity(), null) : Mono.just(resolution))
                    .map(resolution -> Entry.resolved(resolution, ticker.read(), ttlNanos))
                    .toFuture();
        }

        /**
         * A session session-service no longer knows leaves with the refresh; an outage keeps what was known, with
         * its age, so it still expires {@code ttl + maxStale} after it was last resolved.
         */
        @Override
        public CompletableFuture<Entry> asyncReload(Key key, Entry known, Executor executor) {
            return client.resolve(key.caller(), key.affinity(), null)
                    .map(resolution -> Entry.resolved(resolution, ticker.read(), ttlNanos))
                    .toFuture()
                    .thenApply(fresh ->
                    fresh.resolution() instanceof Resolution.Unavailable
                            && known.resolution() instanceof Resolution.Found ? known : fresh);
        }
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
        Key key = new Key(caller.tenant(), affinity, caller, null);
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
                        case SessionClient.BindingWrite.Conflict conflict -> nearCache.synchronous().invalidate(key);
                        case SessionClient.BindingWrite.Failed failed -> {
                            nearCache.synchronous().invalidate(key);
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
        nearCache.synchronous().asMap().entrySet().removeIf(entry -> entry.getKey().tenant().equals(tenant)
                && entry.getValue().resolution() instanceof Resolution.Found found
                && found.session().sessionId().equals(sessionId));
    }

    /** Puts a binding into the near cache's entry for the session, unless the value names another session by now. */
    /**
     * Notes that a session's bound cell answered a turn of about {@code promptTokens}: its engine holds about that
     * prompt now. The near cache has it at once, so the session's next turn is predicted (and its model routed) as
     * warm as it is, rather than as warm as the last resolution said; an estimate never lowers what is known (a
     * session's prompt grows from turn to turn), and session-service's exact count comes with the next refresh.
     */
    public void served(Caller caller, String affinity, String cellId, String model, long promptTokens) {
        Key session = new Key(caller.tenant(), affinity, caller, null);
        heldByModel.asMap().compute(session, (key, held) -> {
            Map<String, Long> updated = held == null ? new HashMap<>() : new HashMap<>(held);
            updated.put(model, promptTokens);
            return Map.copyOf(updated);
        });
        nearCache.synchronous().asMap().computeIfPresent(session,
                (key, known) -> known.resolution() instanceof Resolution.Found found
                        && found.session().binding() != null && found.session().binding().cellId().equals(cellId)
                        ? known.with(new Resolution.Found(found.session().withBinding(new Binding(cellId,
                                found.session().binding().model(), found.session().binding().boundAt(),
                                found.session().binding().epoch(),
                                Math.max(promptTokens, found.session().binding().promptTokensHeld())))))
                        : known);
    }

    /**
     * About how many prompt tokens the last cell of each model that served the session (on this gateway) holds for
     * it; empty when this gateway served it none.
     */
    public Map<String, Long> heldPromptsByModel(Caller caller, String affinity) {
        Map<String, Long> held = heldByModel.getIfPresent(new Key(caller.tenant(), affinity, caller, null));
        return held == null ? Map.of() : held;
    }

    private void rebind(Key key, ResolvedSession session, Binding binding) {
        nearCache.synchronous().asMap().computeIfPresent(key, (k, known) ->
                known.resolution() instanceof Resolution.Found found
                        && found.session().sessionId().equals(session.sessionId())
                        ? known.with(new Resolution.Found(found.session().withBinding(binding))) : known);
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
            case Resolution.LimitReached limit -> "limit_reached";
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

    /**
     * A near-cache key: tenant and affinity value. It also carries the caller whose turn first asked and, for an
     * implicit session, that turn's workflow, since session-service records who opened an implicit session and for
     * which workflow; neither is part of the key's identity.
     */
    private record Key(String tenant, String affinity, Caller caller, @Nullable String openingWorkflow) {

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && key.tenant.equals(tenant) && key.affinity.equals(affinity);
        }

        @Override
        public int hashCode() {
            return Objects.hash(tenant, affinity);
        }
    }

    /**
     * A resolution, when it was made (ticker time), and when a stale session may next be refreshed (moved on by each
     * refresh started, so a failing session-service is asked again only after {@code retryAfter}).
     */
    private record Entry(Resolution resolution, long resolvedAtNanos, AtomicLong nextRefreshNanos) {

        static Entry resolved(Resolution resolution, long nowNanos, long ttlNanos) {
            return new Entry(resolution, nowNanos, new AtomicLong(nowNanos + ttlNanos));
        }

        Entry with(Resolution changed) {
            return new Entry(changed, resolvedAtNanos, nextRefreshNanos);
        }
    }
}
