package io.warmpath.inference.session;

import java.net.URI;
import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.warmpath.inference.CellProperties;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.json.JsonMapper;

/** {@link SessionBudgetClient}s for tests of one class: 1 s timeouts, to a session-service at a given URL. */
public final class TestSessionClients {

    private TestSessionClients() {
    }

    public static SessionBudgetClient clientFor(URI sessionsUrl, MeterRegistry registry) {
        var cell = new CellProperties("cell-1", "local", URI.create("http://127.0.0.1:1"),
                new CellProperties.Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1),
                        Duration.ofSeconds(1), Duration.ofMinutes(1)),
                Duration.ofSeconds(1), Duration.ofSeconds(1), DataSize.ofMegabytes(1), sessionsUrl,
                Duration.ofMillis(500), 1024, Duration.ofMillis(20),
                new CellProperties.CacheSalt(null, CellProperties.CacheSalt.Scope.TENANT));
        return new SessionBudgetClient(cell, registry, JsonMapper.shared());
    }
}
