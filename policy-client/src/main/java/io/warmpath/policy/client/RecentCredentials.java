package io.warmpath.policy.client;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.warmpath.contracts.policy.Principal;
import org.jspecify.annotations.Nullable;

/**
 * Credentials for a service that cannot mint assertions (a cell): the latest assertion each principal's requests
 * brought along, kept for {@code keep} (well inside an assertion's lifetime), so that refreshing an allow in the
 * background can ask with the principal's own credential. Thread-safe.
 */
public final class RecentCredentials implements PolicyCredentials {

    private final Cache<PrincipalKey, String> latest;

    public RecentCredentials(Duration keep, Ticker ticker) {
        this.latest = Caffeine.newBuilder().expireAfterWrite(keep).maximumSize(100_000).ticker(ticker).build();
    }

    /** Keeps the assertion a request of {@code principal} brought. */
    public void remember(Principal principal, String assertion) {
        latest.put(PrincipalKey.of(principal), assertion);
    }

    @Override
    public @Nullable String assertionFor(Principal principal) {
        return latest.getIfPresent(PrincipalKey.of(principal));
    }

    private record PrincipalKey(@Nullable String tenant, @Nullable String id) {

        static PrincipalKey of(Principal principal) {
            return new PrincipalKey(principal.tenant(), principal.id());
        }
    }
}
