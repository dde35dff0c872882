package io.warmpath.policy.policies;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import com.cedarpolicy.AuthorizationEngine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The active {@link PolicyBundle}.
 *
 * <ul>
 *   <li>At start-up the set must be valid, or the constructor throws and the service does not start.</li>
 *   <li>{@link #reloadIfChanged()} (scheduled by {@link PolicyReloader}) re-reads the directory; when its
 *       fingerprint changed it compiles the new set and swaps it in atomically. An invalid update keeps the last good
 *       set and is reported: a WARN log with every problem, {@code warmpath.policy.reloads{result="rejected"}}, and
 *       the health details, until a valid set replaces it.</li>
 * </ul>
 */
public class PolicyStore {

    private static final Logger log = LoggerFactory.getLogger(PolicyStore.class);

    private final PolicyProperties properties;
    private final PolicyCompiler compiler;
    private final Clock clock;
    private final AtomicReference<PolicyBundle> active = new AtomicReference<>();
    private volatile String activeFingerprint;
    private volatile @Nullable String rejectedFingerprint;
    private volatile @Nullable Rejection lastRejection;
    private final Counter applied;
    private final Counter rejected;

    PolicyStore(PolicyProperties properties, AuthorizationEngine engine, Clock clock, MeterRegistry meters) {
        this.properties = properties;
        this.compiler = new PolicyCompiler(engine, clock);
        this.clock = clock;
        PolicyFiles files = read();
        PolicyBundle first = compiler.compile(files);
        active.set(first);
        activeFingerprint = files.fingerprint();
        log.info("Policy set {} active: {} policies, {} entities, from {}", first.version(), first.policyCount(),
                first.entities().size(), properties.directory() == null ? "the classpath defaults" : "the directory");
        this.applied = reloads(meters, "applied");
        this.rejected = reloads(meters, "rejected");
        Gauge.builder("warmpath.policy.policies", active, bundle -> bundle.get().policyCount())
                .description("Policies in the active set")
                .register(meters);
    }

    /** The set decisions use now. */
    public PolicyBundle current() {
        return active.get();
    }

    /** The latest update that was refused and not yet superseded by a valid one; {@code null} when none. */
    public @Nullable Rejection lastRejection() {
        return lastRejection;
    }

    boolean watchesDirectory() {
        return properties.directory() != null;
    }

    /**
     * Re-reads the directory and applies a changed, valid set. A set already refused is not compiled (nor reported)
     * again until its files change.
     *
     * @return whether a new set became active
     */
    synchronized boolean reloadIfChanged() {
        if (!watchesDirectory()) {
            return false;
        }
        PolicyFiles files;
        try {
            files = read();
        }
        catch (InvalidPolicyException unreadable) {
            reject("unreadable", unreadable.problems());
            return false;
        }
        if (files.fingerprint().equals(activeFingerprint) || files.fingerprint().equals(rejectedFingerprint)) {
            return false;
        }
        try {
            PolicyBundle next = compiler.compile(files);
            active.set(next);
            activeFingerprint = files.fingerprint();
            rejectedFingerprint = null;
            lastRejection = null;
            applied.increment();
            log.info("Policy set {} active: {} policies, {} entities", next.version(), next.policyCount(),
                    next.entities().size());
            return true;
        }
        catch (InvalidPolicyException invalid) {
            rejectedFingerprint = files.fingerprint();
            reject(files.fingerprint().substring(0, 12), invalid.problems());
            return false;
        }
    }

    private void reject(String version, List<String> problems) {
        if (lastRejection != null && lastRejection.problems().equals(problems)) {
            return;
        }
        lastRejection = new Rejection(version, problems, clock.instant());
        rejected.increment();
        log.warn("Policy update {} rejected, keeping set {}: {}", version, current().version(),
                String.join("; ", problems));
    }

    private PolicyFiles read() {
        return properties.directory() == null
                ? PolicyFiles.fromClasspath()
                : PolicyFiles.fromDirectory(properties.directory());
    }

    private static Counter reloads(MeterRegistry meters, String result) {
        return Counter.builder("warmpath.policy.reloads")
                .description("Changed policy sets seen in the directory: applied, or rejected (last good set kept)")
                .tag("result", result)
                .register(meters);
    }

    /**
     * An update that was refused.
     *
     * @param version  the fingerprint of the refused files ({@code unreadable} when they could not be read)
     * @param problems what is wrong with them
     * @param at       when it was refused
     */
    public record Rejection(String version, List<String> problems, Instant at) {
    }
}
