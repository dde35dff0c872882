package io.warmpath.artifacts.artifacts;

import static io.warmpath.artifacts.artifacts.ArtifactStoreTestSupport.LOCAL_BUCKET;
import static io.warmpath.artifacts.artifacts.ArtifactStoreTestSupport.caller;
import static io.warmpath.artifacts.artifacts.ArtifactStoreTestSupport.keysIn;
import static io.warmpath.artifacts.artifacts.ArtifactStoreTestSupport.policyAssertion;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.warmpath.artifacts.store.RegionalStores;
import io.warmpath.contracts.assertion.Assertion;
import io.warmpath.contracts.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Retention, legal holds and the clean-up of what a failed upload or delete leaves, against the real S3 server. */
@SpringBootTest
class ArtifactSweeperTest {

    @TestConfiguration
    static class Time {

        @Bean
        @Primary
        MutableClock mutableClock() {
            return new MutableClock();
        }
    }

    @Autowired
    Artifacts artifacts;

    @Autowired
    ArtifactSweeper sweeper;

    @Autowired
    MutableClock clock;

    @Autowired
    RegionalStores stores;

    @Autowired
    Clock anyClock;

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) {
        ArtifactStoreTestSupport.properties(registry);
    }

    @Test
    void expiredArtifactsGoUnlessHeldAndOrphansGoAfterTheGracePeriod() {
        // The S3 server stamps objects with the real time: the test clock starts there.
        clock.advance(Duration.between(clock.instant(), Instant.now()));
        Assertion tenant = caller("sweep-" + System.nanoTime());
        String expiring = store(tenant, Duration.ofDays(1));
        String held = store(tenant, Duration.ofDays(1));
        String kept = store(tenant, null);
        artifacts.legalHold(tenant, policyAssertion(tenant), held, true);
        // Bytes whose metadata was never written: an upload that failed after its bytes were in.
        String orphanKey = TenantKeys.of(tenant.tenant()).content(ArtifactIds.next(clock.instant()));
        stores.in("local").orElseThrow().writeSmall(orphanKey, new byte[] {9}, "application/octet-stream");

        assertThat(sweeper.sweep().expired()).as("nothing has expired yet").isZero();
        assertThat(keysIn(LOCAL_BUCKET)).contains(orphanKey);

        clock.advance(Duration.ofDays(2));
        ArtifactSweeper.Swept swept = sweeper.sweep();

        assertThat(swept.expired()).isEqualTo(1);
        assertThat(swept.orphans()).isGreaterThanOrEqualTo(1);
        assertThat(keysIn(LOCAL_BUCKET)).doesNotContain(orphanKey)
                .noneMatch(key -> key.endsWith(expiring))
                .anyMatch(key -> key.endsWith(held))
                .anyMatch(key -> key.endsWith(kept));
        assertThat(anyClock).isSameAs(clock);
    }

    private String store(Assertion caller, Duration retention) {
        NewArtifact described = new NewArtifact("n", "text/plain", null, null, Map.of(), retention, null, null);
        return artifacts.store(caller, policyAssertion(caller), described, new ByteArrayInputStream(new byte[] {1, 2, 3}), 3, null)
                .artifact().id();
    }
}
