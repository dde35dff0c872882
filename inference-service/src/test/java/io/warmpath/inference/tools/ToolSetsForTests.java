package io.warmpath.inference.tools;

import java.time.Duration;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.warmpath.inference.session.SessionBudgetClient;
import tools.jackson.databind.json.JsonMapper;

/** {@link ToolSets} for tests of other packages: trimming on, asking the given session-service. */
public final class ToolSetsForTests {

    private ToolSetsForTests() {
    }

    public static ToolSets of(SessionBudgetClient sessions) {
        return new ToolSets(sessions, JsonMapper.shared(), new ToolTrimmingProperties(true, 1000, Duration.ofHours(1)),
                new SimpleMeterRegistry());
    }
}
