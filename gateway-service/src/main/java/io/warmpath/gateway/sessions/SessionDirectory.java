package io.warmpath.gateway.sessions;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.warmpath.gateway.security.Caller;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Sessions as routing sees them: resolutions from session-service, kept in a near cache for a short while so that a
 * busy session costs session-service one call every few seconds rather than one per turn, and binding writes, which
 * update the near cache so the next turn through this gateway sees the new cell at once.
 *
 * <p>The near cache is keyed by tenant and affinity value. A token revoked or rotated at session-service may
 * therefore keep resolving here for up to the cache's time to live.
 */
public final class SessionDirectory {

    private static final Logger log = LoggerFactory.getLogger(SessionDirectory.class);

    private final SessionClient client;
    private final Cache<Key, ResolvedSession> nearCache;
    private final ConcurrentMap<Lookup, Mono<Resolution>> inFlight = new ConcurrentHashMap<>();
    private final Duration retryAfter;
    private final MeterRegistry meters;

    SessionDirectory(SessionClient client, Duration nearCacheTtl, long nearCacheSize, Duration retryAfter,
            MeterRegistry meters) {
        this.client = client;
        this.nearCache = Caffeine.newBuilder().expireAfterWrite(nearCacheTtl).maximumSize(nearCacheSize).build();
        this.retryAfter = retryAfter;
        this.meters = meters;
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
        ResolvedSession cached = nearCache.getIfPresent(new Key(caller.tenant(), affinity));
        if (cached != null) {
            // As session-service checks: a session opened without a workflow accepts any.
            Resolution answer = workflow != null && cached.workflow() != null && !workflow.equals(cached.workflow())
                    ? new Resolution.WorkflowMismatch() : new Resolution.Found(cached);
            count(answer, true);
            return Mono.just(answer);
        }
        // Concurrent turns of one session (an agent fanning out tool calls) share one call to session-service.
        Lookup lookup = new Lookup(caller.tenant(), affinity, workflow);
        return inFlight.computeIfAbsent(lookup, ignored -> client.resolve(caller, affinity, workflow)
                .doOnNext(resolution -> {
                    if (resolution instanceof Resolution.Found found) {
                        nearCache.put(new Key(caller.tenant(), affinity), found.session());
                    }
                    count(resolution, false);
                })
                .doFinally(signal -> inFlight.remove(lookup))
                .cache());
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
        StoredBinding previous = session.binding();
        // Epoch 0 is "never bound": of two concurrent first turns, the second write conflicts instead of winning.
        long expectedEpoch = previous == null ? 0 : previous.epoch();
        StoredBinding optimistic = new StoredBinding(cellId, model, expectedEpoch,
                previous == null ? 0 : previous.lastPromptTokens());
        nearCache.asMap().computeIfPresent(key, (k, known) -> sameSession(known, session) ? known.withBinding(optimistic) : known);
        client.bind(caller, session.id(), new SessionServiceMessages.BindingUpdate(cellId, model, expectedEpoch, reason))
                .subscribe(write -> {
                    switch (write) {
                        case SessionClient.BindingWrite.Stored stored -> nearCache.asMap().computeIfPresent(key,
                                (k, known) -> sameSession(known, session) ? known.withBinding(stored.binding()) : known);
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

    private static boolean sameSession(ResolvedSession known, ResolvedSession session) {
        return known.id().equals(session.id());
    }

    private void count(Resolution resolution, boolean fromNearCache) {
        String outcome = switch (resolution) {
            case Resolution.Found found -> fromNearCache ? "cached" : "resolved";
            case Resolution.NotFound notFound -> "not_found";
            case Resolution.WorkflowMismatch mismatch -> "workflow_mismatch";
            case Resolution.Rejected rejected -> "rejected";
            case Resolution.Refused refused -> "refused";
            case Resolution.Unavailable unavailable -> "unavailable";
        };
        Counter.builder("warmpath.gateway.sessions.resolutions")
                .description("Affinity values resolved, by outcome (cached = answered by the near cache)")
                .tag("outcome", outcome)
                .register(meters)
                .increment();
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
}
